import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Group, Stack } from '@mantine/core';
import { IconPlus, IconShieldLock } from '@tabler/icons-react';
import type { PolicyView } from '../../../../shared/domain/policies';
import { useQuery } from '../../api/useQuery';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { pauseResume, removePolicy, useRunNow } from './policy-actions';
import { policyColumns } from './policy-columns';
import { SchedulerStatus } from './SchedulerStatus';
import { usePolicyStatusFilter } from './member-status';

/** The protection policies: which instances are backed up, when, where and for how long. */
export function ProtectionPage() {
  const { data, error, reload } = useQuery('policies.list', {}, { tables: ['policies', 'destinations', 'inventory'] });
  const [filter, setFilter] = useState('');
  const navigate = useNavigate();
  const run = useRunNow();
  const runAction = run.action;
  const columns = useMemo(() => policyColumns([runAction, ...pauseResume, removePolicy()]), [runAction]);
  const status = usePolicyStatusFilter();
  const items = data?.items;
  const shown = useMemo(() => items?.filter(status.keep), [items, status.keep]);
  const create = (
    <Button component={Link} to="/protection/new" leftSection={<IconPlus size={16} />}>
      New policy
    </Button>
  );
  return (
    <Stack h="100%" gap="sm">
      <PageHeader
        title="Protection"
        search={
          items?.length ? { value: filter, onChange: setFilter, placeholder: 'Search policies', label: 'Search policies', width: 220 } : undefined
        }
      >
        {items && items.length > 0 && create}
      </PageHeader>
      <Group>
        <SchedulerStatus />
        {status.pill}
      </Group>
      {error && <ErrorAlert error={error} title="The policies could not be listed" onRetry={reload} />}
      {items?.length === 0 && (
        <EmptyState icon={<IconShieldLock size={28} />} title="No protection policy yet" action={create}>
          A policy says which instances to protect (by name pattern, tag, project or by hand), when to back them up, how long to keep their restore
          points and in which destination. Once saved, its schedules run by themselves.
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <div style={{ flex: 1, minHeight: 0 }}>
          <DataTable<PolicyView>
            testId="policies-table"
            rows={shown ?? []}
            columns={columns}
            getRowId={(p) => p.id}
            filter={filter}
            rowHeight={56}
            onRowClick={(p) => void navigate(status.hrefOf(p.id))}
            initialSort={[{ id: 'name', desc: false }]}
            emptyText={status.filter ? 'No policy has members with this status.' : 'No policy matches this search.'}
          />
        </div>
      )}
      {run.dialog}
    </Stack>
  );
}
