import { useMemo, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconPencil } from '@tabler/icons-react';
import type { PolicyDetail as Detail } from '../../../../shared/domain/policies';
import { AUTO_ASSIGN_WORDS, retentionInWords, rulesInWords, rulesSelect } from '../../../../shared/domain/policy-words';
import { describeSchedule } from '../../../../shared/domain/schedule-forms';
import { STRATEGY_WORDS } from '../../../../shared/domain/providers';
import { useQuery } from '../../api/useQuery';
import { ActionButtons } from '../../components/ActionButtons';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { KeyValueTable } from '../../components/KeyValueTable';
import { PageHeader } from '../../components/PageHeader';
import { useNow } from '../../components/useNow';
import { useAppStore } from '../../stores/app.store';
import { memberColumns, runColumns, type Member } from './detail-columns';
import { useMemberStatus } from './member-status';
import { pauseResume, removePolicy, useRunNow } from './policy-actions';
import { DestinationName, EnabledBadge } from './policy-columns';

function Part({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Stack gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function summary(p: Detail, cloudName: (id: string) => string): [string, ReactNode][] {
  const s = p.spec;
  return [
    ['State', <EnabledBadge key="state" policy={p} />],
    ['Destination', <DestinationName key="dest" policy={p} />],
    ['Rules', rulesInWords(s.rules, cloudName) || 'none (members are added by hand)'],
    // Without rules, the auto-assign mode does nothing: not shown.
    ...(rulesSelect(s.rules)
      ? ([['Auto-assign', `${AUTO_ASSIGN_WORDS[s.autoAssign].label}: ${AUTO_ASSIGN_WORDS[s.autoAssign].explain}`]] as [string, string][])
      : []),
    ['Keeps', retentionInWords(s.retention)],
    ['Missed runs', s.missedRuns === 'run-once' ? 'made up by one run' : 'skipped'],
    ['Disks left out', s.excludeDisks.join(', ') || 'none'],
    ['Reads disks', s.strategy ? STRATEGY_WORDS[s.strategy] : "with each cloud's strategy"],
    ['Copies', s.copyTo === null ? 'none' : `each restore point to ${p.copyTargetName ?? 'a removed copy target (edit the policy)'}`],
    ['Verify by booting', s.verifyEveryDays === null ? 'off' : `every ${s.verifyEveryDays === 1 ? 'day' : `${s.verifyEveryDays} days`}, in the cloud's sandbox project`],
    ['Priority', String(s.priority)],
    ...(s.description ? ([['Description', s.description]] as [string, string][]) : []),
  ];
}

/** The next run of each schedule, in words. */
function NextRuns({ policy }: { policy: Detail }) {
  if (policy.spec.schedules.length === 0) return <Text c="dimmed">No schedule: the policy runs only when you press Run now.</Text>;
  return (
    <Stack gap={4} data-testid="policy-next-runs">
      {policy.spec.schedules.map((s) => {
        const at = policy.nextRuns.find((r) => r.scheduleId === s.id)?.at;
        return (
          <Text key={s.id} size="sm">
            <b>{s.id}</b>: {describeSchedule(s)}, {s.backupType} — next{' '}
            {policy.spec.enabled ? (at ? new Date(at).toLocaleString() : 'never') : 'when resumed'}
          </Text>
        );
      })}
    </Stack>
  );
}

/** One policy: what it does, its members (each removable), its next runs and what its recent runs did. */
export function PolicyDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data: p, error, reload } = useQuery('policies.get', { id }, { tables: ['policies', 'inventory', 'backups', 'destinations'] });
  const providers = useAppStore((s) => s.providers);
  const now = useNow(60_000);
  const run = useRunNow();
  const remove = useMemo(() => removePolicy(() => void navigate('/protection')), [navigate]);
  const status = useMemberStatus(id);
  const { stateOf, keep } = status;
  const members = useMemo<Member[]>(
    () => (p ? p.memberList.map((m) => ({ ...m, policyId: p.id, autoAssign: p.spec.autoAssign !== 'off', state: stateOf(m) })).filter(keep) : []),
    [p, stateOf, keep],
  );
  const columns = useMemo(() => memberColumns(now), [now]);
  const back = (
    <Anchor component={Link} to="/protection" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} /> All policies
      </Group>
    </Anchor>
  );
  if (error) {
    return (
      <Stack>
        {back}
        <PageHeader title="Policy" />
        <ErrorAlert error={error} title="The policy could not be read" onRetry={reload} />
      </Stack>
    );
  }
  if (!p) return <Loader />;
  const cloudName = (pid: string) => providers.find((x) => x.id === pid)?.name ?? pid;
  return (
    <Stack gap="sm" pb="md">
      {back}
      <PageHeader title={p.spec.name}>
        <ActionButtons actions={[run.action, ...pauseResume]} items={[p]} size="sm" />
        <Button size="sm" variant="light" component={Link} to={`/protection/${p.id}/edit`} leftSection={<IconPencil size={14} />}>
          Edit
        </Button>
        <ActionButtons actions={[remove]} items={[p]} size="sm" />
      </PageHeader>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Part title="What it does" testId="policy-summary">
          <KeyValueTable rows={summary(p, cloudName)} keyWidth={140} />
        </Part>
        <Part title="Next runs" testId="policy-schedules">
          <NextRuns policy={p} />
        </Part>
      </SimpleGrid>
      <Part title={`Members (${p.memberList.length})`} testId="policy-members">
        {p.memberList.length > 0 && <Group>{status.control}</Group>}
        {p.spec.autoAssign !== 'off' && rulesSelect(p.spec.rules) && (
          <Text size="sm" c="dimmed">
            Its rules assign the instances they match when the policy is saved and at each inventory sync of their cloud (Clouds → Sync inventory
            now).
          </Text>
        )}
        <DataTable<Member>
          testId="members-table"
          rows={members}
          columns={columns}
          getRowId={(m) => `${m.providerId}/${m.instanceId}`}
          height="auto"
          maxHeight={420}
          initialSort={[{ id: 'name', desc: false }]}
          emptyText={
            status.filter && p.memberList.length > 0
              ? 'No member with this status.'
              : 'No member yet: give the policy rules with auto-assign on, or add instances from Inventory (an instance → Add to policy…).'
          }
        />
      </Part>
      <Part title="Recent runs" testId="policy-runs">
        <DataTable
          testId="runs-table"
          rows={p.runs}
          columns={runColumns}
          getRowId={(r) => String(r.id)}
          height="auto"
          maxHeight={360}
          rowHeight={52}
          initialSort={[{ id: 'at', desc: true }]}
          emptyText="No scheduled run yet. Runs by schedule, made-up runs and skipped runs are listed here with why."
        />
      </Part>
      {run.dialog}
    </Stack>
  );
}
