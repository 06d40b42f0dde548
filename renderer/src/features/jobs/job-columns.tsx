import { Badge, Group, Progress, Text } from '@mantine/core';
import { JOB_LABELS, phaseText, type Job, type JobState } from '../../../../shared/domain/jobs';
import { formatAmount, formatBytes, formatDuration, percent } from '../../../../shared/format';
import type { Column } from '../../components/DataTable';

export const STATE_COLOR: Record<JobState, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  warning: 'yellow',
  failed: 'red',
  cancelled: 'gray',
  interrupted: 'orange',
};

export function JobStateBadge({ state }: { state: JobState }) {
  return (
    <Badge color={STATE_COLOR[state]} variant="light" data-testid="job-state">
      {state}
    </Badge>
  );
}

export function JobProgressBar({ job }: { job: Job }) {
  const pct = percent(job.progress.bytesDone, job.progress.bytesTotal);
  const done = job.state === 'succeeded' || job.state === 'warning';
  const value = done ? 100 : (pct ?? 0);
  return (
    <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
      <Progress
        value={value}
        w={120}
        color={STATE_COLOR[job.state]}
        striped={job.state === 'running'}
        animated={job.state === 'running' && pct === null}
        aria-label={`progress ${value}%`}
      />
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {pct === null ? formatAmount(job.progress.bytesDone || null, job.progress.unit) : `${value}%`}
      </Text>
    </Group>
  );
}

const duration = (j: Job) => {
  if (!j.startedAt) return null;
  const end = j.finishedAt ? Date.parse(j.finishedAt) : Date.now();
  return (end - Date.parse(j.startedAt)) / 1000;
};

export const jobColumns: Column<Job>[] = [
  // Shown in words; the kind's name stays searchable ("destination.verify" still finds verify jobs).
  { id: 'kind', header: 'Kind', getValue: (j) => `${JOB_LABELS[j.kind]} ${j.kind}`, render: (j) => JOB_LABELS[j.kind], width: '160px' },
  { id: 'target', header: 'Target', getValue: (j) => j.target, render: (j) => <span title={j.target}>{j.target}</span>, width: 'minmax(160px, 2fr)' },
  { id: 'state', header: 'State', getValue: (j) => j.state, render: (j) => <JobStateBadge state={j.state} />, width: '130px' },
  // What the job does now ("Waiting for Nova to build the server"); with the bytes on hover.
  {
    id: 'phase',
    header: 'Phase',
    getValue: (j) => j.progress.phase,
    render: (j) => <span title={phaseText(j.progress)}>{j.progress.phase}</span>,
    width: 'minmax(150px, 2fr)',
  },
  {
    id: 'progress',
    header: 'Progress',
    getValue: (j) => percent(j.progress.bytesDone, j.progress.bytesTotal),
    render: (j) => <JobProgressBar job={j} />,
    width: '180px',
  },
  {
    id: 'rate',
    header: 'Rate',
    getValue: (j) => j.progress.rate,
    render: (j) => (j.state === 'running' && j.progress.rate && j.progress.unit !== 'steps' ? `${formatBytes(j.progress.rate)}/s` : '-'),
    width: '100px',
  },
  {
    id: 'eta',
    header: 'ETA',
    getValue: (j) => j.progress.etaSeconds,
    render: (j) => (j.state === 'running' ? formatDuration(j.progress.etaSeconds) : '-'),
    width: '80px',
  },
  {
    id: 'created',
    header: 'Started',
    getValue: (j) => j.startedAt ?? j.createdAt,
    render: (j) => new Date(j.startedAt ?? j.createdAt).toLocaleString(),
    width: '170px',
  },
  { id: 'duration', header: 'Duration', getValue: duration, render: (j) => formatDuration(duration(j)), width: '90px' },
];
