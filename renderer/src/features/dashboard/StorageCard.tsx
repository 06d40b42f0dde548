import { Link } from 'react-router';
import { Anchor, Card, Group, Progress, Text } from '@mantine/core';
import { formatBytes } from '../../../../shared/format';
import { asAppError } from '../../api/errors';
import { defineQuery } from '../../api/query';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Totals over every destination; one that cannot be read is counted and named, not silently left out. */
const storageTotals = defineQuery('dashboard.storageTotals', async (call, _: Record<string, never>) => {
  const { items } = await call('destinations.list', {});
  const stats = await Promise.all(
    items.map((d) =>
      call('destinations.getStats', { id: d.id }).then(
        (s) => ({ ok: true as const, s }),
        (e: unknown) => ({ ok: false as const, name: d.name, message: asAppError(e).message }),
      ),
    ),
  );
  const ok = stats.flatMap((x) => (x.ok ? [x.s] : []));
  return {
    destinations: items.length,
    unreadable: stats.flatMap((x) => (x.ok ? [] : [`${x.name}: ${x.message}`])),
    stored: ok.reduce((n, s) => n + s.storedBytes, 0),
    logical: ok.reduce((n, s) => n + s.logicalBytes, 0),
    backups: ok.reduce((n, s) => n + s.backups, 0),
  };
});

/** Stored against logical bytes of every destination: what deduplication and compression save. */
export function StorageCard() {
  const { data: totals, error, reload } = useQuery(storageTotals, {}, { tables: ['backups', 'destinations'] });
  const ratio = totals && totals.stored > 0 ? totals.logical / totals.stored : null;
  return (
    <Card withBorder data-testid="storage-card">
      <Text fw={600}>Backup storage</Text>
      {error && <ErrorAlert error={error} title="The destinations could not be listed" onRetry={reload} compact />}
      {totals && totals.destinations === 0 && (
        <Text size="sm" c="dimmed">
          No backup destination yet: add one in{' '}
          <Anchor component={Link} to="/destinations" size="sm">
            Destinations
          </Anchor>
          .
        </Text>
      )}
      {totals && totals.destinations > 0 && (
        <>
          <Group justify="space-between" mt="xs">
            <Text size="sm">
              {formatBytes(totals.stored)} stored for {formatBytes(totals.logical)} of restore points ({totals.backups})
            </Text>
            <Text fw={700}>{ratio ? `${ratio.toFixed(1)} : 1` : '-'}</Text>
          </Group>
          <Progress.Root size="lg" mt="xs">
            <Progress.Section value={ratio ? Math.max(1, 100 / ratio) : 0} color="green" />
          </Progress.Root>
          <Text size="xs" c="dimmed" mt={4}>
            The green share is what the disk holds; the rest is saved by deduplication and compression.
          </Text>
          {totals.unreadable.length > 0 && (
            <Text size="xs" c="orange" mt={4} data-testid="storage-unreadable">
              Not counted, could not be read: {totals.unreadable.join('; ')}
            </Text>
          )}
        </>
      )}
    </Card>
  );
}
