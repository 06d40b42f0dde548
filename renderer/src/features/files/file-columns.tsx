import { Group, Text } from '@mantine/core';
import { IconFile, IconFolder, IconLink, IconQuestionMark } from '@tabler/icons-react';
import { modeString, type FileEntry } from '../../../../shared/domain/files';
import { formatBytes } from '../../../../shared/format';
import type { Column } from '../../components/DataTable';

export function EntryIcon({ entry }: { entry: Pick<FileEntry, 'type'> }) {
  if (entry.type === 'dir') return <IconFolder size={16} color="var(--mantine-color-yellow-7)" aria-label="folder" />;
  if (entry.type === 'symlink') return <IconLink size={16} color="var(--mantine-color-blue-6)" aria-label="symbolic link" />;
  if (entry.type === 'file') return <IconFile size={16} color="var(--mantine-color-gray-6)" aria-label="file" />;
  return <IconQuestionMark size={16} aria-label={entry.type} />;
}

/** The folder's entries; folders sort before files by name (the sort key leads with the type). */
export const fileColumns: Column<FileEntry>[] = [
  {
    id: 'name',
    header: 'Name',
    getValue: (e) => `${e.type === 'dir' ? 0 : 1} ${e.name}`,
    render: (e) => (
      <Group gap={6} wrap="nowrap" title={e.target === null ? e.name : `${e.name} → ${e.target} (not followed)`}>
        <EntryIcon entry={e} />
        <Text span size="sm" truncate>
          {e.name}
        </Text>
        {e.target !== null && (
          <Text span size="xs" c="dimmed" truncate data-testid="link-target">
            → {e.target}
          </Text>
        )}
      </Group>
    ),
    width: 'minmax(220px, 3fr)',
    hideable: false,
  },
  {
    id: 'size',
    header: 'Size',
    getValue: (e) => (e.type === 'file' ? e.size : null),
    render: (e) => (e.type === 'file' ? formatBytes(e.size) : ''),
    width: '100px',
  },
  { id: 'mtime', header: 'Modified', getValue: (e) => e.mtime, render: (e) => new Date(e.mtime).toLocaleString(), width: '200px' },
  {
    id: 'mode',
    header: 'Mode',
    getValue: (e) => modeString(e),
    render: (e) => (
      <Text span ff="monospace" size="sm">
        {modeString(e)}
      </Text>
    ),
    width: '120px',
  },
  { id: 'owner', header: 'Owner', getValue: (e) => `${e.uid}:${e.gid}`, width: '100px' },
];
