import { useEffect } from 'react';
import { Alert, Code, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { canRetry, isTerminal, JOB_LABELS, phaseText, type Job } from '../../../../shared/domain/jobs';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';
import { ActionButtons } from '../../components/ActionButtons';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useJobsStore } from '../../stores/jobs.store';
import { JobProgressBar, JobStateBadge } from './job-columns';

const LEVEL_COLOR = { info: undefined, warn: 'yellow', error: 'red' } as const;

const cancelJob: Action<Job> = {
  id: 'cancel',
  label: 'Cancel',
  icon: <IconPlayerStop size={14} />,
  isAllowed: (j) => !isTerminal(j.state),
  run: async ([j]) => (await call('jobs.cancel', { id: j!.id }), 'It stops, and its state shows cancelled.'),
  done: ([j]) => `${JOB_LABELS[j!.kind]} cancelled`,
};

const retryJob: Action<Job> = {
  id: 'retry',
  label: 'Retry',
  icon: <IconRefresh size={14} />,
  // as the core allows: a job that did its work, warnings or not, is not run again
  isAllowed: (j) => canRetry(j.state),
  run: async ([j]) => followJob(await call('jobs.retry', { id: j!.id })),
  done: ([j]) => `${JOB_LABELS[j!.kind]} started again`,
};

/** The selected job: what it is doing, its task log, and cancel / retry. */
export function JobDetail({ job }: { job: Job }) {
  const log = useJobsStore((s) => s.logs[job.id]);
  const loadLog = useJobsStore((s) => s.loadLog);
  const logError = useJobsStore((s) => s.logErrors[job.id]);
  useEffect(() => {
    void loadLog(job.id);
  }, [job.id, loadLog]);

  return (
    // Long words (paths, ids, digests) break anywhere: nothing in the detail overflows sideways.
    <Stack gap="sm" h="100%" data-testid="job-detail" style={{ overflowWrap: 'anywhere' }}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={4}>{JOB_LABELS[job.kind]}</Title>
          <Text size="sm" c="dimmed">
            {job.target}
          </Text>
        </div>
        {/* the state and the actions keep their size; the target wraps instead */}
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          <JobStateBadge state={job.state} />
          <ActionButtons actions={[cancelJob, retryJob]} items={[job]} />
        </Group>
      </Group>
      <Group gap="sm" wrap="nowrap">
        <JobProgressBar job={job} />
        <Text size="sm" data-testid="job-phase" style={{ minWidth: 0 }}>
          {phaseText(job.progress)}
        </Text>
      </Group>
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
      {logError && <ErrorAlert error={logError} title="The task log could not be read" onRetry={() => void loadLog(job.id)} compact />}
      {/* the log scrolls down, never sideways: its long lines wrap */}
      <ScrollArea style={{ flex: 1 }} type="auto" scrollbars="y" data-testid="job-log">
        {(log ?? []).length === 0 && !logError && (
          <Text c="dimmed" size="sm">
            No entries yet.
          </Text>
        )}
        {(log ?? []).map((e) => (
          <Text key={e.seq} size="xs" ff="monospace" c={LEVEL_COLOR[e.level]} style={{ whiteSpace: 'pre-wrap' }}>
            <Code>{new Date(e.at).toLocaleTimeString()}</Code> {e.level.toUpperCase()} {e.message}
          </Text>
        ))}
      </ScrollArea>
    </Stack>
  );
}
