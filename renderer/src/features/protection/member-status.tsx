import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Badge, CloseButton, Group, Pill, SegmentedControl, Tooltip } from '@mantine/core';
import { MemberStatus, type MemberState } from '../../../../shared/domain/dashboard';
import { useQuery } from '../../api/useQuery';

const WORDS: Record<MemberStatus, { label: string; color: string }> = {
  protected: { label: 'protected', color: 'green' },
  unprotected: { label: 'no backup yet', color: 'gray' },
  failing: { label: 'failing', color: 'red' },
};
const WHY: Record<NonNullable<MemberState['why']>, string> = {
  'backup-failed': 'A backup of it failed after its newest restore point was taken: open Jobs for the reason.',
  'rpo-breached': 'Behind its RPO: two scheduled runs have come due since its newest restore point.',
};

export function MemberStatusBadge({ state }: { state: MemberState | undefined }) {
  if (!state) return null;
  const w = WORDS[state.status];
  const badge = (
    <Badge variant="light" color={w.color}>
      {w.label}
    </Badge>
  );
  return state.why ? (
    <Tooltip label={WHY[state.why]} multiline w={280}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

const key = (m: { providerId: string; instanceId: string }) => `${m.providerId}/${m.instanceId}`;

/**
 * The status of each member of a policy (as the dashboard counts them) and the filter the
 * dashboard's figures link to (?filter=protected|unprotected|failing).
 */
export function useMemberStatus(policyId: string) {
  const { data } = useQuery('dashboard.memberStatus', { policyId }, { tables: ['policies', 'inventory', 'backups', 'jobs'] });
  const [params, setParams] = useSearchParams();
  const parsed = MemberStatus.safeParse(params.get('filter'));
  const filter = parsed.success ? parsed.data : null;
  const states = useMemo(() => new Map((data?.items ?? []).map((s) => [key(s), s])), [data]);
  const counts = useMemo(() => {
    const c: Record<MemberStatus, number> = { protected: 0, unprotected: 0, failing: 0 };
    for (const s of states.values()) c[s.status]++;
    return c;
  }, [states]);
  const control = (
    <SegmentedControl
      size="xs"
      aria-label="Show members"
      data-testid="member-filter"
      value={filter ?? 'all'}
      onChange={(v) => setParams(v === 'all' ? {} : { filter: v }, { replace: true })}
      data={[
        { value: 'all', label: `All (${states.size})` },
        ...MemberStatus.options.map((s) => ({ value: s, label: `${WORDS[s].label[0]!.toUpperCase()}${WORDS[s].label.slice(1)} (${counts[s]})` })),
      ]}
    />
  );
  const stateOf = useCallback((m: { providerId: string; instanceId: string }) => states.get(key(m)), [states]);
  const keep = useCallback(
    (m: { providerId: string; instanceId: string }) => filter === null || states.get(key(m))?.status === filter,
    [states, filter],
  );
  return {
    stateOf,
    keep,
    filter,
    control,
  };
}

/**
 * The policy list under ?filter= (the dashboard's totals link here): only the policies with members
 * of that status, a pill that says so and clears it, and rows that open the policy filtered alike.
 */
export function usePolicyStatusFilter() {
  const [params, setParams] = useSearchParams();
  const parsed = MemberStatus.safeParse(params.get('filter'));
  const filter = parsed.success ? parsed.data : null;
  const { data } = useQuery('dashboard.memberStatus', filter ? {} : null, { tables: ['policies', 'inventory', 'backups', 'jobs'] });
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const s of data?.items ?? []) if (s.status === filter) c.set(s.policyId, (c.get(s.policyId) ?? 0) + 1);
    return c;
  }, [data, filter]);
  const keep = useCallback((p: { id: string }) => filter === null || counts.has(p.id), [filter, counts]);
  const pill = filter && (
    <Pill size="md" data-testid="policy-status-filter">
      <Group gap={4} wrap="nowrap">
        with {WORDS[filter].label === 'no backup yet' ? 'members not backed up yet' : `${WORDS[filter].label} members`}
        <CloseButton size="xs" aria-label="Show every policy" onClick={() => setParams({}, { replace: true })} />
      </Group>
    </Pill>
  );
  return { filter, keep, pill, hrefOf: (id: string) => `/protection/${encodeURIComponent(id)}${filter ? `?filter=${filter}` : ''}` };
}
