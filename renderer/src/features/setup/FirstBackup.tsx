import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { IconRocket } from '@tabler/icons-react';
import type { Job } from '../../../../shared/domain/jobs';
import { phaseText } from '../../../../shared/domain/jobs';
import type { OutputOf } from '../../../../shared/ipc/contract';
import type { PolicyView } from '../../../../shared/domain/policies';
import { call } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { JobStateBadge } from '../jobs/job-columns';
import { DoneNote, NeedsFirst, StepFrame } from './StepFrame';

/** Backup jobs as they go: state, and what each is doing or why it failed. */
export function JobList({ jobs }: { jobs: Job[] }) {
  return (
    <Table withTableBorder data-testid="setup-jobs">
      <Table.Tbody>
        {jobs.map((j) => (
          <Table.Tr key={j.id}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{j.target}</Table.Td>
            <Table.Td w={120}>
              <JobStateBadge state={j.state} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" c={j.error ? 'red' : 'dimmed'}>
                {j.error?.message ?? j.summary ?? phaseText(j.progress)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What "Back up now" did: the backups queued (followed live), and the members not backed up with why. */
function Outcome({ run, jobs }: { run: OutputOf<'policies.run'>; jobs: Job[] }) {
  const queued = run.jobIds.map((id) => jobs.find((j) => j.id === id)).filter((j): j is Job => j !== undefined);
  return (
    <Stack gap="sm" data-testid="run-result">
      <Text fw={600}>
        {run.jobIds.length ? `${plural(run.jobIds.length, 'backup')} queued. ` : 'No backup queued.'}
        {run.jobIds.length > 0 && (
          <Anchor component={Link} to="/jobs" inherit>
            Follow {run.jobIds.length === 1 ? 'it' : 'them'} in Jobs
          </Anchor>
        )}
      </Text>
      {queued.length > 0 && <JobList jobs={queued} />}
      {queued.some((j) => j.state === 'failed') && (
        <Text size="sm" c="dimmed">
          Fix what the failure names (an unreachable hypervisor: step 2, Hypervisor access), then back up again here; each job&apos;s log is in
          Jobs.
        </Text>
      )}
      {run.skipped.length > 0 && (
        <Stack gap={4} data-testid="run-skipped">
          <Text size="sm">{plural(run.skipped.length, 'member')} not backed up:</Text>
          {run.skipped.map((s) => (
            <Text key={s.name} size="sm" c="orange">
              {s.name}: {s.reason}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/** Step 5: the first backup of the policy's members, now rather than at its first scheduled run. */
export function FirstBackup({ policies, jobs }: { policies: PolicyView[]; jobs: Job[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [run, setRun] = useState<OutputOf<'policies.run'> | null>(null);
  const policy = policies.find((p) => p.id === chosen) ?? policies.find((p) => p.members > 0) ?? policies[0];
  const start = useSubmit(async (id: string) => setRun(await call('policies.run', { id })));
  const backups = jobs.filter((j) => j.kind === 'backup.instance');
  let body;
  if (!policy) body = <NeedsFirst>Create a policy first: the first backup backs up its members.</NeedsFirst>;
  else
    body = (
      <Stack gap="sm">
        {backups.length > 0 && !run && (
          <>
            <DoneNote title={`${plural(backups.length, 'backup')} queued so far`}>
              The latest are below; every job, with its log, is in{' '}
              <Anchor component={Link} to="/jobs" inherit>
                Jobs
              </Anchor>
              .
            </DoneNote>
            <JobList jobs={backups.slice(0, 5)} />
          </>
        )}
        <Group align="end">
          {policies.length > 1 && (
            <Select label="Policy" data={policies.map((p) => ({ value: p.id, label: p.spec.name }))} value={policy.id} onChange={setChosen} allowDeselect={false} />
          )}
          <Button leftSection={<IconRocket size={16} />} onClick={() => void start.run(policy.id)} loading={start.busy}>
            Back up {policy.spec.name} now
          </Button>
          <Text size="sm" c="dimmed">
            {plural(policy.members, 'member')}
          </Text>
        </Group>
        {start.error && <ErrorAlert error={start.error} title="Not started" />}
        {run && <Outcome run={run} jobs={jobs} />}
      </Stack>
    );
  return (
    <StepFrame
      title="Run the first backup"
      intro="The policy's schedule backs its members up from now on; the first backup can run now instead of at the first scheduled time. Each instance is a job: it snapshots the disks on the hypervisor, copies them into the destination and keeps the snapshot for the next incremental."
    >
      {body}
    </StepFrame>
  );
}
