import { useEffect, useState } from 'react';
import { Card, Group, Progress, Text } from '@mantine/core';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { formatBytes } from '../../../../shared/format';
import { call, subscribe } from '../../api/client';

type Stats = OutputOf<'destinations.getStats'>;

/** Stored against logical bytes of every destination: what deduplication and compression save. */
export function StorageCard() {
  const [totals, setTotals] = useState<{ destinations: number; stored: number; logical: number; backups: number } | null>(null);
  useEffect(() => {
    const load = async () => {
      const { items } = await call('destinations.list', {});
      const stats = await Promise.all(items.map((r) => call('destinations.getStats', { id: r.id }).catch((): Stats | null => null)));
      const ok = stats.filter((s): s is Stats => s !== null);
      setTotals({
        destinations: items.length,
        stored: ok.reduce((n, s) => n + s.storedBytes, 0),
        logical: ok.reduce((n, s) => n + s.logicalBytes, 0),
        backups: ok.reduce((n, s) => n + s.backups, 0),
      });
    };
    void load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('backups') || tables.includes('destinations')) void load();
    });
  }, []);
  const ratio = totals && totals.stored > 0 ? totals.logical / totals.stored : null;
  return (
    <Card withBorder data-testid="storage-card">
      <Text fw={600}>Backup storage</Text>
      {!totals || totals.destinations === 0 ? (
        <Text size="sm" c="dimmed">
          No backup destination yet: add one in Settings → Backup destinations.
        </Text>
      ) : (
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
        </>
      )}
    </Card>
  );
}
