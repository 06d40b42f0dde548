import { useEffect } from 'react';
import { Alert, Button, Code, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { isTerminal, type Job } from '../../../../shared/domain/jobs';
import { call } from '../../api/client';
import { useJobsStore } from '../../stores/jobs.store';
import { JobProgressBar, JobStateBadge } from './job-columns';

const LEVEL_COLOR = { info: undefined, warn: 'yellow', error: 'red' } as const;

/** The selected job: what it is doing, its task log, and cancel / retry. */
export function JobDetail({ job }: { job: Job }) {
  const log = useJobsStore((s) => s.logs[job.id]);
  const loadLog = useJobsStore((s) => s.loadLog);
  useEffect(() => {
    void loadLog(job.id);
  }, [job.id, loadLog]);

  const act = async (what: 'cancel' | 'retry') => {
    try {
      if (what === 'cancel') await call('jobs.cancel', { id: job.id });
      else await call('jobs.retry', { id: job.id });
    } catch (e) {
      notifications.show({ color: 'red', title: `Could not ${what} the job`, message: (e as Error).message });
    }
  };

  return (
    <Stack gap="sm" h="100%" data-testid="job-detail">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Title order={4}>{job.kind}</Title>
          <Text size="sm" c="dimmed">
            {job.target}
          </Text>
        </div>
        <Group gap="xs">
          <JobStateBadge state={job.state} />
          {!isTerminal(job.state) && (
            <Button size="xs" color="red" variant="light" leftSection={<IconPlayerStop size={14} />} onClick={() => void act('cancel')}>
              Cancel
            </Button>
          )}
          {isTerminal(job.state) && job.state !== 'succeeded' && (
            <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={() => void act('retry')}>
              Retry
            </Button>
          )}
        </Group>
      </Group>
      <JobProgressBar job={job} />
      {job.error && (
        <Alert color="red" title={job.error.code}>
          {job.error.message}
          {job.error.requestId && <Text size="xs">request id {job.error.requestId}</Text>}
        </Alert>
      )}
      {job.summary && <Text size="sm">{job.summary}</Text>}
      <Text fw={600} size="sm">
        Task log
      </Text>
      <ScrollArea style={{ flex: 1 }} type="auto" data-testid="job-log">
        {(log ?? []).length === 0 && (
          <Text c="dimmed" size="sm">
            No entries yet.
          </Text>
        )}
        {(log ?? []).map((e) => (
          <Text key={e.seq} size="xs" ff="monospace" c={LEVEL_COLOR[e.level]}>
            <Code>{new Date(e.at).toLocaleTimeString()}</Code> {e.level.toUpperCase()} {e.message}
          </Text>
        ))}
      </ScrollArea>
    </Stack>
  );
}
