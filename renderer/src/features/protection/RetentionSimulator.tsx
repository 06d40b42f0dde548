import { useMemo } from 'react';
import { Badge, Group, Input, Loader, ScrollArea, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { InputOf } from '../../../../shared/ipc/contract';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { scheduleOf, specOf, type PolicyDraft } from './editor-state';

const DAYS = 35;
const DAY_MS = 86_400_000;

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

const startOfDay = (t: number) => new Date(t).setHours(0, 0, 0, 0);

/** One cell a day over the period, ending on the newest kept restore point's day; a kept point marks its day. */
function Strip({ kept }: { kept: { at: string }[] }) {
  if (kept.length === 0) return null;
  const last = startOfDay(Math.max(...kept.map((k) => Date.parse(k.at))));
  const first = last - (DAYS - 1) * DAY_MS;
  const perDay = new Array<number>(DAYS).fill(0);
  for (const k of kept) {
    const d = Math.round((startOfDay(Date.parse(k.at)) - first) / DAY_MS);
    if (d >= 0 && d < DAYS) perDay[d]!++;
  }
  return (
    <Group gap={2} wrap="nowrap" aria-label="Kept restore points per day">
      {perDay.map((n, d) => (
        <Tooltip key={d} label={`${new Date(first + d * DAY_MS).toLocaleDateString()}: ${n} kept`}>
          <div
            style={{ flex: 1, height: 18, borderRadius: 2, background: n ? 'var(--mantine-color-indigo-5)' : 'var(--mantine-color-default-border)' }}
          />
        </Tooltip>
      ))}
    </Group>
  );
}

/** What the schedules and keep rules would leave after five weeks, before anything is saved (policies.simulate). */
export function RetentionSimulator({ draft, scheduleErrors }: { draft: PolicyDraft; scheduleErrors: boolean }) {
  const input: InputOf<'policies.simulate'> | null =
    draft.schedules.length && !scheduleErrors
      ? {
          schedules: draft.schedules.map(scheduleOf) as InputOf<'policies.simulate'>['schedules'],
          retention: specOf(draft).retention ?? {},
          days: DAYS,
        }
      : null;
  const [key] = useDebouncedValue(JSON.stringify(input), 300);
  const debounced = useMemo(() => JSON.parse(key) as typeof input, [key]);
  const { data, error, reload } = useQuery('policies.simulate', debounced, { tables: [] });
  return (
    <Stack gap="xs" data-testid="retention-simulator">
      <Input.Label>Simulator: the next {DAYS} days</Input.Label>
      {!input && (
        <Text size="sm" c="dimmed">
          {draft.schedules.length ? 'Fix the schedules marked in red to simulate.' : 'Add a schedule to see which restore points these rules keep.'}
        </Text>
      )}
      {input && error && <ErrorAlert error={error} title="The simulation could not run" onRetry={reload} compact />}
      {input && !data && !error && <Loader size="sm" />}
      {input && data && (
        <>
          <Group gap="xl">
            <Figure label="Backups taken" value={data.taken} testId="sim-taken" />
            <Figure label="Most at one time" value={data.peak} testId="sim-peak" />
            <Figure label={`Kept after ${DAYS} days`} value={data.kept.length} testId="sim-kept" />
          </Group>
          <Strip kept={data.kept} />
          <ScrollArea.Autosize mah={200} type="auto">
            <Table verticalSpacing={2} fz="xs">
              <Table.Tbody>
                {data.kept.map((k) => (
                  <Table.Tr key={k.at}>
                    <Table.Td>{new Date(k.at).toLocaleString()}</Table.Td>
                    <Table.Td>
                      <Badge size="xs" variant="light" color={k.backupType === 'full' ? 'indigo' : 'teal'}>
                        {k.backupType}
                      </Badge>
                    </Table.Td>
                    <Table.Td c="dimmed">{k.reasons.join('; ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </>
      )}
    </Stack>
  );
}
