import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Badge, Button, Group, Paper, ScrollArea, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import type { FileSearchHit, FilesSearchOutput, FileVersion } from '../../../../shared/domain/files-search';
import { formatBytes } from '../../../../shared/format';
import { call } from '../../api/client';
import { asAppError, describeError } from '../../api/errors';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { parentOf } from './PathBar';
import { volumeKey } from './VolumePicker';

/** Where a version opens: its newest restore point, at the path's folder, the file previewed. */
export function versionLink(hit: FileSearchHit, v: FileVersion): string {
  const rp = v.restorePoints[v.restorePoints.length - 1]!;
  return `/files?${new URLSearchParams({
    destination: rp.destinationId,
    backup: rp.backupId,
    volume: volumeKey(hit.disk, hit),
    path: v.type === 'dir' ? hit.path : parentOf(hit.path),
    ...(v.type === 'dir' ? {} : { file: hit.path }),
  })}`;
}

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * Search by name, glob or path across the indexed restore points of one instance or of all: each
 * path once, its versions side by side (oldest first), each opening the restore point at that
 * path. Restore points without an index are named, with a button that indexes them.
 */
export function FileSearch(props: { instanceId?: string; instanceName?: string; onOpen?: () => void }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState('');
  const [scope, setScope] = useState<'instance' | 'all'>(props.instanceId ? 'instance' : 'all');
  const [pattern, setPattern] = useState<string | null>(null);
  const [indexing, setIndexing] = useState(false);
  const input = pattern ? { pattern, ...(scope === 'instance' && props.instanceId ? { instanceId: props.instanceId } : {}) } : null;
  // jobs: an index job that ends makes more restore points searchable
  const result = useQuery('files.search', input, { tables: ['backups', 'jobs'] });
  const data = result.data;

  const indexMissing = async (r: FilesSearchOutput) => {
    setIndexing(true);
    try {
      const { jobIds } = await call('files.startIndex', { restorePoints: r.notIndexed.map((n) => ({ backupId: n.backupId, destinationId: n.destinationId })) });
      notifications.show({ title: `Indexing ${jobIds.length} restore point${jobIds.length === 1 ? '' : 's'}`, message: 'Each is a job (Jobs); the search includes them as they finish.' });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Indexing could not start', message: describeError(asAppError(e)) });
    } finally {
      setIndexing(false);
    }
  };

  return (
    <Stack gap="xs" data-testid="file-search" style={{ minHeight: 0 }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.trim()) setPattern(draft.trim());
        }}
      >
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="Search files across restore points"
            aria-label="Search files"
            placeholder="nginx.conf, *.conf, nginx*, etc/nginx/…"
            description="A part of a name, a glob on the name (* ? [a-z]), or a part of a path (with /). Not case-sensitive."
            leftSection={<IconSearch size={14} />}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
          />
          {props.instanceId && (
            <SegmentedControl
              size="xs"
              value={scope}
              onChange={(v) => setScope(v as 'instance' | 'all')}
              data={[
                { value: 'instance', label: props.instanceName ? `${props.instanceName} only` : 'This instance' },
                { value: 'all', label: 'All instances' },
              ]}
            />
          )}
          <Button type="submit" disabled={!draft.trim()} loading={result.loading && !!pattern}>
            Search
          </Button>
        </Group>
      </form>
      {result.error && <ErrorAlert error={result.error} title="The search could not run" onRetry={result.reload} compact />}
      {data && pattern && (
        <>
          <Text size="xs" c="dimmed" data-testid="search-summary">
            {data.total === 0 ? 'Nothing found' : data.truncated ? `The first ${data.hits.length} of ${data.total} paths` : `${data.total} path${data.total === 1 ? '' : 's'}`} in{' '}
            {data.restorePoints} restore point{data.restorePoints === 1 ? '' : 's'} ({data.entries.toLocaleString()} entries) · {data.tookMs} ms
            {data.truncated && ' · narrow the pattern to see the rest'}
          </Text>
          {data.notIndexedCount > 0 && (
            <Alert color="yellow" variant="light" p="xs" title={`${data.notIndexedCount} restore point${data.notIndexedCount === 1 ? ' is' : 's are'} not indexed yet`}>
              <Group justify="space-between" wrap="nowrap">
                <Text size="xs">
                  Restore points are indexed after each backup; these were made before, or their index is still being built.
                </Text>
                <Button size="compact-xs" variant="light" loading={indexing} onClick={() => void indexMissing(data)}>
                  Index {data.notIndexed.length === data.notIndexedCount ? (data.notIndexedCount === 1 ? 'it' : 'them') : `the first ${data.notIndexed.length}`}
                </Button>
              </Group>
            </Alert>
          )}
          {data.unreadable.map((u) => (
            <Alert key={`${u.destinationId}\n${u.backupId}`} color="orange" variant="light" p="xs">
              {u.backupId} was not searched: {u.reason}.
            </Alert>
          ))}
          <ScrollArea type="auto" style={{ flex: 1 }}>
            <Stack gap={6}>
              {data.hits.map((h) => (
                <SearchHit key={`${h.instanceId}\n${h.volume}\n${h.path}`} hit={h} onOpen={(v) => {
                    props.onOpen?.();
                    void navigate(versionLink(h, v));
                  }} />
              ))}
            </Stack>
          </ScrollArea>
        </>
      )}
    </Stack>
  );
}

function SearchHit(props: { hit: FileSearchHit; onOpen: (v: FileVersion) => void }) {
  const { hit } = props;
  return (
    <Paper withBorder p="xs" data-testid="search-hit">
      <Group justify="space-between" wrap="nowrap" mb={4}>
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {hit.path}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {hit.instanceName} · {hit.volume}
        </Text>
      </Group>
      <ScrollArea type="auto" offsetScrollbars>
        <Group gap="xs" wrap="nowrap" align="stretch">
          {hit.versions.map((v, i) => (
            <Paper key={i} withBorder p={6} radius="sm" miw={210} data-testid="search-version" bg={v.changed ? 'var(--mantine-color-yellow-light)' : undefined}>
              <Group gap={6} justify="space-between" wrap="nowrap">
                <Text size="xs" fw={600}>
                  {v.type === 'file' ? formatBytes(v.size) : v.type === 'dir' ? 'folder' : v.type}
                </Text>
                {v.changed && (
                  <Badge size="xs" color="yellow" variant="filled">
                    changed
                  </Badge>
                )}
              </Group>
              <Text size="xs">modified {when(v.mtime)}</Text>
              <Text size="xs" c="dimmed">
                {v.restorePoints.length === 1
                  ? `in the restore point of ${when(v.restorePoints[0]!.createdAt)}`
                  : `in ${v.restorePoints.length} restore points, ${when(v.restorePoints[0]!.createdAt)} – ${when(v.restorePoints[v.restorePoints.length - 1]!.createdAt)}`}
              </Text>
              <Button size="compact-xs" variant="subtle" mt={2} onClick={() => props.onOpen(v)}>
                Open
              </Button>
            </Paper>
          ))}
        </Group>
      </ScrollArea>
    </Paper>
  );
}
