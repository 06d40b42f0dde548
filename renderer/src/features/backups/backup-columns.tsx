import { Badge, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import { formatBytes } from '../../../../shared/format';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';
import { backupActions } from './backup-actions';

/** What a restore point is of, when not an instance: disks backed up alone (CLI) or older volume backups. */
const KIND_NOTE = { instance: null, volume: 'volume', disk: 'disk image' } as const;

export function ProtectedBadge({ backup }: { backup: BackupView }) {
  return backup.protected ? (
    <Badge variant="light" color="green" leftSection={<IconShieldCheck size={12} />} data-testid="protected-badge" title="Protected from pruning">
      protected
    </Badge>
  ) : null;
}

export const backupColumns: Column<BackupView>[] = [
  {
    id: 'resource',
    header: 'Instance',
    getValue: (b) => b.resourceName,
    render: (b) => (
      <>
        {b.resourceName}
        {KIND_NOTE[b.resourceKind] && (
          <Text span size="xs" c="dimmed">
            {' '}
            ({KIND_NOTE[b.resourceKind]})
          </Text>
        )}
      </>
    ),
    width: 'minmax(160px, 2fr)',
  },
  {
    id: 'kind',
    header: 'Kind',
    getValue: (b) => b.kind,
    render: (b) => (
      <Badge variant="light" color={b.kind === 'full' ? 'indigo' : 'teal'}>
        {b.kind}
      </Badge>
    ),
    width: '90px',
  },
  // Before the sizes: with the detail pane open, the first columns are the ones in view.
  {
    id: 'protected',
    header: 'Pruning',
    getValue: (b) => (b.protected ? 'protected' : ''),
    render: (b) => <ProtectedBadge backup={b} />,
    width: '140px',
  },
  { id: 'created', header: 'Taken', getValue: (b) => b.createdAt, render: (b) => new Date(b.createdAt).toLocaleString(), width: '200px' },
  { id: 'disks', header: 'Disks', getValue: (b) => b.disks.map((d) => d.name).join(', '), width: 'minmax(100px, 1fr)' },
  { id: 'size', header: 'Size', getValue: (b) => b.sizeBytes, render: (b) => formatBytes(b.sizeBytes), width: '100px' },
  { id: 'new', header: 'New data', getValue: (b) => b.newBytes, render: (b) => formatBytes(b.newBytes), width: '100px' },
  { id: 'stored', header: 'Stored', getValue: (b) => b.storedBytes, render: (b) => formatBytes(b.storedBytes), width: '100px' },
  {
    id: 'actions',
    header: '',
    getValue: () => null,
    render: (b) => <ActionMenu actions={backupActions} item={b} label={`Actions for the restore point of ${b.resourceName}`} />,
    width: '56px',
  },
];
