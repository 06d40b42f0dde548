import { Link } from 'react-router';
import { Alert, Anchor, Card, Code, Group, Stack, Text } from '@mantine/core';
import type { Dashboard } from '../../../../shared/domain/dashboard';
import { protectionHref } from './links';
import { untilWords } from './words';

const timeOf = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The next scheduled runs, and which process runs the schedules (none: nothing runs by itself). */
export function NextRunsCard({ d, now }: { d: Dashboard; now: number }) {
  return (
    <Card withBorder data-testid="next-runs-card">
      <Text fw={600} mb="xs">
        Next runs
      </Text>
      {d.scheduler ? (
        <Text size="xs" c="dimmed" mb="xs">
          Schedules run in {d.scheduler.runtime} on {d.scheduler.hostname} (pid {d.scheduler.pid}).
        </Text>
      ) : (
        d.policies.length > 0 && (
          <Alert color="orange" variant="light" p="xs" mb="xs">
            <Text size="xs">
              No process runs the schedules now: keep the desktop app or the console running, or start <Code>backstack serve</Code>.
            </Text>
          </Alert>
        )
      )}
      {d.nextRuns.length === 0 ? (
        <Text size="sm" c="dimmed">
          No schedule to run: add one to a policy in{' '}
          <Anchor component={Link} to="/protection" inherit>
            Protection
          </Anchor>{' '}
          (a paused policy does not run).
        </Text>
      ) : (
        <Stack gap={6}>
          {d.nextRuns.map((r) => (
            <Group key={`${r.policyId}/${r.scheduleId}`} justify="space-between" wrap="nowrap" data-testid="next-run">
              <Anchor component={Link} to={protectionHref(r.policyId)} size="sm" truncate>
                {r.policyName} · {r.scheduleId}
              </Anchor>
              <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={new Date(r.at).toLocaleString()}>
                {timeOf(r.at)}{' '}
                <Text span c="dimmed" size="xs">
                  ({untilWords(r.at, now)})
                </Text>
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
