import { Link } from 'react-router';
import { ActionIcon, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import type { PolicyView } from '../../../../shared/domain/policies';
import { retentionInWords } from '../../../../shared/domain/policy-words';
import { describeSchedule } from '../../../../shared/domain/schedule-forms';
import type { Action } from '../../api/actions';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';

/** The earliest next run of a policy's schedules; null when paused or without a schedule. */
export const nextRunOf = (p: PolicyView): string | null =>
  p.nextRuns
    .map((r) => r.at)
    .filter((at): at is string => at !== null)
    .sort()[0] ?? null;

export const schedulesInWords = (p: PolicyView): string =>
  p.spec.schedules.map((s) => `${describeSchedule(s)} (${s.backupType})`).join('; ') || 'no schedule';

export function EnabledBadge({ policy }: { policy: PolicyView }) {
  return (
    <Badge variant="light" color={policy.spec.enabled ? 'green' : 'gray'} data-testid="policy-state">
      {policy.spec.enabled ? 'enabled' : 'paused'}
    </Badge>
  );
}

export function DestinationName({ policy }: { policy: PolicyView }) {
  if (policy.destinationName) return policy.destinationName;
  return (
    <Text size="sm" c="red" title="Its runs fail until the policy is given another destination">
      removed
    </Text>
  );
}

function NextRun({ policy }: { policy: PolicyView }) {
  const at = nextRunOf(policy);
  if (!policy.spec.enabled) return <Text c="dimmed">paused</Text>;
  return at ? new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : <Text c="dimmed">-</Text>;
}

/** The list's columns; `actions` are offered in each row's menu, beside its Edit link. */
export function policyColumns(actions: Action<PolicyView>[]): Column<PolicyView>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      getValue: (p) => p.spec.name,
      render: (p) => (
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text fw={600} truncate>
            {p.spec.name}
          </Text>
          {p.spec.description && (
            <Text size="xs" c="dimmed" truncate title={p.spec.description}>
              {p.spec.description}
            </Text>
          )}
        </Stack>
      ),
      width: 'minmax(140px, 1.3fr)',
    },
    {
      id: 'state',
      header: 'State',
      getValue: (p) => (p.spec.enabled ? 'enabled' : 'paused'),
      render: (p) => <EnabledBadge policy={p} />,
      width: '120px',
    },
    {
      id: 'destination',
      header: 'Destination',
      getValue: (p) => p.destinationName ?? 'removed',
      render: (p) => <DestinationName policy={p} />,
      width: 'minmax(110px, 1fr)',
    },
    { id: 'members', header: 'Members', getValue: (p) => p.members, width: '96px' },
    {
      id: 'schedules',
      header: 'Schedules',
      getValue: schedulesInWords,
      render: (p) => (
        <Text size="sm" style={{ whiteSpace: 'normal' }} lh={1.3} lineClamp={2} title={schedulesInWords(p)}>
          {schedulesInWords(p)}
        </Text>
      ),
      width: 'minmax(200px, 2fr)',
    },
    {
      id: 'next',
      header: 'Next run',
      getValue: (p) => (p.spec.enabled ? nextRunOf(p) : null),
      render: (p) => <NextRun policy={p} />,
      width: '180px',
    },
    {
      id: 'retention',
      header: 'Keeps',
      getValue: (p) => retentionInWords(p.spec.retention),
      render: (p) => (
        <Text size="sm" style={{ whiteSpace: 'normal' }} lh={1.3} lineClamp={2}>
          {retentionInWords(p.spec.retention)}
        </Text>
      ),
      width: 'minmax(150px, 1.3fr)',
    },
    {
      id: 'actions',
      header: '',
      getValue: () => null,
      render: (p) => (
        <Group gap={2} wrap="nowrap" onClick={(e) => e.stopPropagation()}>
          <Tooltip label="Edit">
            <ActionIcon variant="subtle" component={Link} to={`/protection/${p.id}/edit`} aria-label={`Edit ${p.spec.name}`}>
              <IconPencil size={16} />
            </ActionIcon>
          </Tooltip>
          <ActionMenu actions={actions} item={p} label={`Actions for ${p.spec.name}`} />
        </Group>
      ),
      width: '84px',
    },
  ];
}
