import { Link } from 'react-router';
import { Anchor, Card, Group, Text } from '@mantine/core';
import type { Dashboard } from '../../../../shared/domain/dashboard';
import type { JobState } from '../../../../shared/domain/jobs';
import { JobsChart } from './JobsChart';
import { jobsHref } from './links';

const SHOWN: { label: string; states: JobState[]; color?: string }[] = [
  { label: 'succeeded', states: ['succeeded'], color: 'green' },
  { label: 'with warnings', states: ['warning'], color: 'yellow' },
  { label: 'failed', states: ['failed', 'interrupted'], color: 'red' },
  { label: 'running or queued', states: ['running', 'queued'] },
  { label: 'cancelled', states: ['cancelled'] },
];

/** Every job of the last 24 hours (syncs, backups, restores, maintenance) by outcome, and per hour. */
export function JobsCard({ jobs }: { jobs: Dashboard['jobs'] }) {
  return (
    <Card withBorder data-testid="jobs-card">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>
          Jobs in the last 24 hours:{' '}
          <Anchor component={Link} to={jobsHref()} inherit>
            {jobs.total.toLocaleString('en-US')}
          </Anchor>
        </Text>
        <Group gap="md">
          {SHOWN.map((s) => {
            const n = s.states.reduce((sum, st) => sum + jobs.byState[st], 0);
            return n === 0 ? (
              <Text key={s.label} size="sm" c="dimmed">
                0 {s.label}
              </Text>
            ) : (
              <Anchor key={s.label} component={Link} to={jobsHref(s.states)} size="sm" c={s.color} data-testid={`jobs-${s.states[0]}`}>
                {n.toLocaleString('en-US')} {s.label}
              </Anchor>
            );
          })}
        </Group>
      </Group>
      <JobsChart hours={jobs.hours} />
    </Card>
  );
}
