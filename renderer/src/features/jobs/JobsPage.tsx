import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Chip, Divider, Group, Paper, Stack, Text } from '@mantine/core';
import { IconListCheck } from '@tabler/icons-react';
import { JobState, type Job } from '../../../../shared/domain/jobs';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useNow } from '../../components/useNow';
import { useJobsStore } from '../../stores/jobs.store';
import { JobDetail } from './JobDetail';
import { jobColumns } from './job-columns';

export function JobsPage() {
  const byId = useJobsStore((s) => s.byId);
  const loaded = useJobsStore((s) => s.loaded);
  const error = useJobsStore((s) => s.error);
  const load = useJobsStore((s) => s.load);
  const olderCursor = useJobsStore((s) => s.olderCursor);
  const loadingOlder = useJobsStore((s) => s.loadingOlder);
  const loadOlder = useJobsStore((s) => s.loadOlder);
  // Filters live in the address (?state=failed,interrupted&since=24h): the dashboard links to them.
  const [params, setParams] = useSearchParams();
  const states = (params.get('state') ?? '').split(',').filter((s) => JobState.safeParse(s).success);
  const since24h = params.get('since') === '24h';
  const setFilterParam = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const now = useNow(60_000);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const stateKey = states.join(',');
  const jobs = useMemo(
    () =>
      Object.values(byId).filter(
        (j) => (stateKey === '' || stateKey.split(',').includes(j.state)) && (!since24h || Date.parse(j.createdAt) > now - 86_400_000),
      ),
    [byId, stateKey, since24h, now],
  );
  const selectedJob = selected ? byId[selected] : undefined;
  const oldestListed = useMemo(
    () => Object.values(byId).reduce<string | null>((m, j) => (m === null || j.createdAt < m ? j.createdAt : m), null),
    [byId],
  );
  const failed = error && <ErrorAlert error={error} title="The jobs could not be listed" onRetry={() => void load()} />;

  if (loaded && Object.keys(byId).length === 0) {
    return (
      <Stack>
        <PageHeader title="Jobs" />
        {failed}
        {!error && (
          <EmptyState icon={<IconListCheck size={28} />} title="No jobs yet">
            Every inventory sync, backup, restore, verify and prune runs here as a job you can watch, cancel and retry. Add a cloud first, then run a
            backup.
          </EmptyState>
        )}
      </Stack>
    );
  }

  return (
    <Stack h="100%" gap="sm">
      <PageHeader title="Jobs" search={{ value: filter, onChange: setFilter, placeholder: 'Search jobs', label: 'Search jobs' }} />
      {failed}
      <Group gap="xs">
        <Chip.Group multiple value={states} onChange={(v) => setFilterParam('state', v.join(',') || null)}>
          {JobState.options.map((s) => (
            <Chip key={s} value={s} size="xs">
              {s}
            </Chip>
          ))}
        </Chip.Group>
        <Divider orientation="vertical" />
        <Chip size="xs" checked={since24h} onChange={(on) => setFilterParam('since', on ? '24h' : null)}>
          last 24 hours
        </Chip>
      </Group>
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <div style={{ flex: 3, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
          <div style={{ flex: 1, minHeight: 0 }}>
            <DataTable<Job>
              testId="jobs-table"
              rows={jobs}
              columns={jobColumns}
              getRowId={(j) => j.id}
              filter={filter}
              selectedId={selected}
              onRowClick={(j) => setSelected(j.id)}
              initialSort={[{ id: 'created', desc: true }]}
              emptyText="No job matches these filters."
            />
          </div>
          {olderCursor && oldestListed && (
            <Group gap="xs" mt="xs" data-testid="older-jobs">
              <Text size="sm" c="dimmed">
                Jobs since {new Date(oldestListed).toLocaleString()} are listed; the filters apply to them.
              </Text>
              <Button size="compact-sm" variant="light" loading={loadingOlder} onClick={() => void loadOlder()}>
                Load older jobs
              </Button>
            </Group>
          )}
        </div>
        {selectedJob && (
          <Paper withBorder p="md" style={{ flex: 2, minWidth: 320 }}>
            <JobDetail job={selectedJob} />
          </Paper>
        )}
      </Group>
    </Stack>
  );
}
