import { useEffect, useState } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { OutputOf } from '../../../../shared/ipc/contract';
import type { DestinationView } from '../../../../shared/domain/destinations';
import { formatBytes } from '../../../../shared/format';
import { call, subscribe } from '../../api/client';
import { PrunePanel } from './PrunePanel';

type Stats = OutputOf<'destinations.getStats'>;

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700}>{value}</Text>
    </div>
  );
}

/** Stored bytes against logical bytes over time: what deduplication saves, at a glance. */
function GrowthChart({ stats }: { stats: Stats }) {
  // Running totals: what restoring everything would write, against what the repository holds.
  const data = stats.history.reduce<{ t: string; stored: number; logical: number }[]>((acc, h) => {
    const prev = acc.at(-1) ?? { stored: 0, logical: 0 };
    acc.push({ t: new Date(h.time).toLocaleDateString(), stored: prev.stored + h.bytesStored / 2 ** 30, logical: prev.logical + h.size / 2 ** 30 });
    return acc;
  }, []);
  if (data.length < 2) return null;
  return (
    <ResponsiveContainer width="100%" height={140}>
      <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="t" fontSize={11} />
        <YAxis fontSize={11} unit=" GiB" />
        <Tooltip formatter={(v) => `${Number(v).toFixed(2)} GiB`} />
        <Area dataKey="logical" name="logical (restorable)" stroke="var(--mantine-color-indigo-4)" fill="var(--mantine-color-indigo-1)" />
        <Area dataKey="stored" name="stored" stroke="var(--mantine-color-green-6)" fill="var(--mantine-color-green-2)" />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function DestinationCard({ repo }: { repo: DestinationView }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showPrune, setShowPrune] = useState(false);
  useEffect(() => {
    const load = () => call('destinations.getStats', { id: repo.id }).then(setStats, (e: Error) => setError(e.message));
    void load();
    return subscribe('catalog.changed', ({ tables }) => {
      if (tables.includes('backups')) void load();
    });
  }, [repo.id]);
  const start = async (what: 'verify' | 'gc') => {
    try {
      await call(what === 'verify' ? 'destinations.startVerify' : 'destinations.startGc', { id: repo.id });
      notifications.show({ title: what === 'verify' ? 'Verify started' : 'Garbage collection started', message: 'Follow it in Jobs.' });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Not started', message: (e as Error).message });
    }
  };
  return (
    <Card withBorder data-testid={`destination-${repo.name}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={4}>{repo.name}</Title>
            {repo.isDefault && <Badge variant="light">default</Badge>}
            <Badge variant="light" color={repo.encrypted ? 'green' : 'gray'}>
              {repo.encrypted ? 'encrypted' : 'not encrypted'}
            </Badge>
          </Group>
          <Group gap="xs">
            {!repo.isDefault && (
              <Button size="xs" variant="subtle" onClick={() => void call('destinations.setDefault', { id: repo.id })}>
                Make default
              </Button>
            )}
            <Button size="xs" variant="light" onClick={() => void start('verify')}>
              Verify
            </Button>
            <Button size="xs" variant="light" onClick={() => setShowPrune(!showPrune)}>
              Prune…
            </Button>
            <Button size="xs" variant="light" onClick={() => void start('gc')}>
              Collect garbage
            </Button>
          </Group>
        </Group>
        <Code>{repo.path}</Code>
        {error && (
          <Text c="red" size="sm">
            {error}
          </Text>
        )}
        {stats && (
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            <Figure label="Restore points" value={String(stats.backups)} />
            <Figure label="Logical (restorable)" value={formatBytes(stats.logicalBytes)} />
            <Figure label="Stored on disk" value={formatBytes(stats.storedBytes)} />
            <Figure label="Reduction" value={stats.storedBytes ? `${stats.reductionRatio.toFixed(1)} : 1` : '-'} />
            <Figure label="Chunks" value={String(stats.chunks)} />
          </SimpleGrid>
        )}
        {stats && <GrowthChart stats={stats} />}
        {showPrune && <PrunePanel destinationId={repo.id} />}
      </Stack>
    </Card>
  );
}
