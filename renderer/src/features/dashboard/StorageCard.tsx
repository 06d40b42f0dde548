import { Link } from 'react-router';
import { Anchor, Card, ColorSwatch, Group, Stack, Text } from '@mantine/core';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DestinationGrowth } from '../../../../shared/domain/dashboard';
import { formatBytes, plural } from '../../../../shared/format';
import { destinationHref } from './links';
import { axisTick, byteTicks, gridStroke, tooltipStyle } from './chart-style';

const COLORS = ['indigo', 'teal', 'orange', 'grape', 'cyan', 'lime', 'pink', 'yellow'].map((c) => `var(--mantine-color-${c}-6)`);
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Stored bytes per destination: the total, what deduplication saves, and growth over the last 30 days. */
export function StorageCard({ storage }: { storage: DestinationGrowth[] }) {
  // One row per day, one column per destination, as the chart reads it.
  const rows = (storage[0]?.days ?? []).map((x, i) => ({
    day: dayLabel(x.day),
    ...Object.fromEntries(storage.map((s) => [s.destinationId, s.days[i]?.bytes ?? 0])),
  }));
  const ticks = byteTicks(Math.max(0, ...storage.flatMap((s) => s.days.map((x) => x.bytes))));
  return (
    <Card withBorder data-testid="storage-card">
      <Text fw={600} mb="xs">
        Storage per destination
      </Text>
      {storage.length === 0 ? (
        <Text size="sm" c="dimmed">
          No backup destination yet: add one in{' '}
          <Anchor component={Link} to="/destinations" size="sm">
            Destinations
          </Anchor>
          .
        </Text>
      ) : (
        <>
          <Stack gap={4} mb="xs">
            {storage.map((s, i) => (
              <Group key={s.destinationId} justify="space-between" wrap="nowrap" data-testid="storage-row">
                <Group gap={6} wrap="nowrap">
                  <ColorSwatch color={COLORS[i % COLORS.length] as string} size={10} withShadow={false} />
                  <Anchor
                    component={Link}
                    to={destinationHref(s.destinationId)}
                    size="sm"
                    aria-label={`${s.name}: ${formatBytes(s.storedBytes)} stored`}
                  >
                    {s.name}: {formatBytes(s.storedBytes)}
                  </Anchor>
                </Group>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {plural(s.restorePoints, 'restore point')}
                  {s.storedBytes > 0 && ` of ${formatBytes(s.logicalBytes)} (${(s.logicalBytes / s.storedBytes).toFixed(1)} : 1)`}
                </Text>
              </Group>
            ))}
          </Stack>
          <ResponsiveContainer width="100%" height={150}>
            <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={gridStroke} />
              <XAxis dataKey="day" tick={axisTick} interval={6} />
              <YAxis tick={axisTick} ticks={ticks} domain={[0, ticks.at(-1) ?? 0]} tickFormatter={(v: number) => formatBytes(v)} width={72} />
              <Tooltip formatter={(v) => formatBytes(Number(v))} contentStyle={tooltipStyle} />
              {storage.map((s, i) => (
                <Line
                  key={s.destinationId}
                  dataKey={s.destinationId}
                  name={s.name}
                  stroke={COLORS[i % COLORS.length]}
                  dot={false}
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
          <Text size="xs" c="dimmed">
            What the restore points kept now added when they were taken, after deduplication and compression, at the end of each of the last 30 days
            (UTC).
          </Text>
        </>
      )}
    </Card>
  );
}
