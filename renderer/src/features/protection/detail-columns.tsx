import { Badge, Text } from '@mantine/core';
import { IconUserMinus } from '@tabler/icons-react';
import type { MemberState } from '../../../../shared/domain/dashboard';
import type { PolicyMember, PolicyRun } from '../../../../shared/domain/policies';
import { ageInWords } from '../../../../shared/domain/policy-words';
import type { Action } from '../../api/actions';
import { call } from '../../api/client';
import { ActionMenu } from '../../components/ActionButtons';
import type { Column } from '../../components/DataTable';
import { MemberStatusBadge } from './member-status';

export type Member = PolicyMember & { policyId: string; autoAssign: boolean; state?: MemberState };

const removeMember: Action<Member> = {
  id: 'unassign',
  label: 'Remove from policy…',
  icon: <IconUserMinus size={14} />,
  danger: true,
  confirm: ([m]) => ({
    title: `Remove ${m!.instanceName ?? m!.instanceId} from this policy?`,
    message:
      m!.source === 'rule' && m!.autoAssign
        ? 'It is no longer backed up by this policy; its restore points stay. The policy’s rules match it, so the next inventory sync adds it again: change the rules to keep it out.'
        : 'It is no longer backed up by this policy; its restore points stay.',
    confirmLabel: 'Remove',
  }),
  run: async ([m]) => (
    await call('policies.unassign', { id: m!.policyId, instances: [{ providerId: m!.providerId, instanceId: m!.instanceId }] }),
    'Its restore points stay.'
  ),
  done: ([m]) => `${m!.instanceName ?? m!.instanceId} removed from the policy`,
};

export const memberColumns = (now: number): Column<Member>[] => [
  {
    id: 'name',
    header: 'Instance',
    getValue: (m) => m.instanceName ?? m.instanceId,
    render: (m) => <Text fw={600}>{m.instanceName ?? m.instanceId}</Text>,
    width: 'minmax(160px, 2fr)',
  },
  { id: 'project', header: 'Project', getValue: (m) => m.projectName, width: 'minmax(120px, 1fr)' },
  {
    id: 'source',
    header: 'Added',
    getValue: (m) => m.source,
    render: (m) => (
      <Badge variant="light" color={m.source === 'rule' ? 'teal' : 'gray'}>
        {m.source === 'rule' ? 'by rule' : 'by hand'}
      </Badge>
    ),
    width: '110px',
  },
  {
    id: 'status',
    header: 'Status',
    getValue: (m) => m.state?.status ?? null,
    render: (m) => <MemberStatusBadge state={m.state} />,
    width: '130px',
  },
  {
    id: 'last',
    header: 'Last backup',
    getValue: (m) => m.lastBackupAt,
    render: (m) => <span title={m.lastBackupAt ? new Date(m.lastBackupAt).toLocaleString() : undefined}>{ageInWords(m.lastBackupAt, now)}</span>,
    width: '140px',
  },
  {
    id: 'actions',
    header: '',
    getValue: () => null,
    render: (m) => <ActionMenu actions={[removeMember]} item={m} label={`Actions for ${m.instanceName ?? m.instanceId}`} />,
    width: '56px',
  },
];

const OUTCOME: Record<PolicyRun['outcome'], { label: string; color: string }> = {
  started: { label: 'started', color: 'blue' },
  'caught-up': { label: 'caught up', color: 'teal' },
  skipped: { label: 'skipped', color: 'orange' },
};

export const runColumns: Column<PolicyRun>[] = [
  { id: 'at', header: 'Time', getValue: (r) => r.at, render: (r) => new Date(r.at).toLocaleString(), width: '180px' },
  {
    id: 'outcome',
    header: 'Outcome',
    getValue: (r) => r.outcome,
    render: (r) => (
      <Badge variant="light" color={OUTCOME[r.outcome].color}>
        {OUTCOME[r.outcome].label}
      </Badge>
    ),
    width: '120px',
  },
  { id: 'schedule', header: 'Schedule', getValue: (r) => r.scheduleId ?? '-', width: '120px' },
  {
    id: 'message',
    header: 'What happened',
    getValue: (r) => r.message,
    render: (r) => (
      <Text size="sm" title={r.message} lineClamp={2} style={{ whiteSpace: 'normal' }} lh={1.3}>
        {r.message}
      </Text>
    ),
    width: 'minmax(240px, 4fr)',
  },
];
