import { useState } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Badge, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { DestinationStats, DestinationView } from '../../../../shared/domain/destinations';
import { formatBytes } from '../../../../shared/format';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { ActionButtons } from '../../components/ActionButtons';
import { ErrorAlert } from '../../components/ErrorAlert';
import { GcScheduleLine } from './GcSchedule';
import { PrunePanel } from './PrunePanel';

const makeDefault: Action<DestinationView> = {
  id: 'default',
  label: 'Make default',
  isAllowed: (d) => !d.isDefault,
  run: async ([d]) => (await call('destinations.setDefault', { id: d!.id }), 'Backups without a destination of their own go there.'),
  done: ([d]) => `${d!.name} is the default destination`,
};
const verify: Action<DestinationView> = {
  id: 'verify',
  label: 'Verify',
  run: async ([d]) => followJob(await call('destinations.startVerify', { id: d!.id })),
  done: ([d]) => `Verify of ${d!.name} started`,
};
const collectGarbage: Action<DestinationView> = {
  id: 'gc',
  label: 'Collect garbage',
  run: async ([d]) => followJob(await call('destinations.startGc', { id: d!.id })),
  done: ([d]) => `Garbage collection of ${d!.name} started`,
};

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
function GrowthChart({ stats }: { stats: DestinationStats }) {
  // Running totals: what restoring everything would write, against what the destination holds.
  const data = stats.history.reduce<{ t: string; stored: number; logical: number }[]>((acc, h) => {
    const prev = acc.at(-1) ?? { stored: 0, logical: 0 };
    acc.push({ t: new Date(h.time).toLocaleDateString(), stored: prev.stored + h.bytesStored, logical: prev.logical + h.size });
    return acc;
  }, []);
  if (data.length < 2) return null;
  return (
    <ResponsiveContainer width="100%" height={140}>
      <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="t" fontSize={11} />
        {/* Bytes formatted per tick: a small destination reads "2.0 MiB", not "0.002 GiB" cut off at the edge. */}
        <YAxis fontSize={11} width={72} tickFormatter={(v: number) => formatBytes(v)} />
        <Tooltip formatter={(v) => formatBytes(Number(v))} />
        <Area dataKey="logical" name="logical (restorable)" stroke="var(--mantine-color-indigo-4)" fill="var(--mantine-color-indigo-1)" />
        <Area dataKey="stored" name="stored" stroke="var(--mantine-color-green-6)" fill="var(--mantine-color-green-2)" />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function DestinationCard({ destination: d }: { destination: DestinationView }) {
  const { data: stats, error, reload } = useQuery('destinations.getStats', { id: d.id }, { tables: ['backups', 'destinations'] });
  const [showPrune, setShowPrune] = useState(false);
  return (
    <Card withBorder data-testid={`destination-${d.name}`}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={2} size="h4">
              {d.name}
            </Title>
            {d.isDefault && <Badge variant="light">default</Badge>}
            <Badge variant="light" color={d.encrypted ? 'green' : 'gray'}>
              {d.encrypted ? 'encrypted' : 'not encrypted'}
            </Badge>
          </Group>
          <Group gap="xs">
            <ActionButtons actions={[makeDefault, verify]} items={[d]} />
            <Button size="xs" variant="light" onClick={() => setShowPrune(!showPrune)}>
              Prune…
            </Button>
            <ActionButtons actions={[collectGarbage]} items={[d]} />
          </Group>
        </Group>
        <Code>{d.path}</Code>
        <GcScheduleLine destination={d} />
        {error && <ErrorAlert error={error} title="Its usage could not be read" onRetry={reload} />}
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
        {showPrune && <PrunePanel destinationId={d.id} />}
      </Stack>
    </Card>
  );
}
