import { Link } from 'react-router';
import { Anchor, Badge, Table, Text } from '@mantine/core';
import type { FirstRun, FirstRunStep } from '../../../../shared/domain/app';
import { hostReady, SETUP_STEPS, statusOf, type StepStatus } from './first-run';
import { StepFrame } from './StepFrame';
import type { SetupData } from './useSetupData';

export const STEP_LABELS: Record<FirstRunStep, string> = {
  cloud: 'Cloud',
  hypervisors: 'Hypervisor access',
  destination: 'Destination',
  policy: 'Policy',
  run: 'First backup',
  summary: 'Summary',
};

export const STATUS_WORDS: Record<StepStatus, string> = { done: 'Done', skipped: 'Skipped', todo: 'To do' };
const STATUS_COLOR: Record<StepStatus, string> = { done: 'green', skipped: 'gray', todo: 'orange' };

const names = (xs: string[]) => (xs.length ? xs.join(', ') : 'none yet');

/** Each step's outcome in a line: what exists, and the page that manages it. */
function lines(d: SetupData): Record<Exclude<FirstRunStep, 'summary'>, { what: string; page: string; to: string }> {
  const backups = d.jobs.filter((j) => j.kind === 'backup.instance');
  const count = (state: string) => backups.filter((j) => j.state === state).length;
  return {
    cloud: { what: names(d.providers.map((p) => p.name)), page: 'Clouds', to: '/clouds' },
    hypervisors: { what: `${d.hosts.filter(hostReady).length} of ${d.hosts.length} hypervisors reachable over SSH`, page: 'Clouds', to: '/clouds' },
    destination: { what: names(d.destinations.map((x) => `${x.name} (${x.encrypted ? 'encrypted' : 'not encrypted'})`)), page: 'Destinations', to: '/destinations' },
    policy: { what: names(d.policies.map((p) => `${p.spec.name} (${p.members} member${p.members === 1 ? '' : 's'})`)), page: 'Protection', to: '/protection' },
    run: {
      what: backups.length
        ? `${backups.length} backup(s): ${count('succeeded') + count('warning')} succeeded, ${count('failed')} failed, ${count('queued') + count('running')} queued or running`
        : 'none yet',
      page: 'Jobs',
      to: '/jobs',
    },
  };
}

/** Step 6: where each step ended, with a link to the page that carries on from it. */
export function SetupSummary({ data, progress }: { data: SetupData; progress: FirstRun }) {
  const outcome = lines(data);
  return (
    <StepFrame
      title="Summary"
      intro="Where each step stands. Skipped steps can be done on their pages, or here: Settings → Set up Backstack opens this setup again."
    >
      <Table withTableBorder data-testid="setup-summary">
        <Table.Tbody>
          {SETUP_STEPS.filter((s) => s !== 'summary').map((step) => {
            const status = statusOf(step, data.facts, progress);
            const line = outcome[step as Exclude<FirstRunStep, 'summary'>];
            return (
              <Table.Tr key={step} data-testid={`summary-${step}`}>
                <Table.Td fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {STEP_LABELS[step]}
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[status]} variant="light">
                    {STATUS_WORDS[status]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{line.what}</Text>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={line.to} size="sm">
                    {line.page}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </StepFrame>
  );
}
