import { useMemo, useState } from 'react';
import { Group, Stack, Text } from '@mantine/core';
import { plural } from '../../../../shared/format';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { inScope, useInventoryStore, type InstanceRow } from '../../stores/inventory.store';
import { InstanceDetail } from './InstanceDetail';
import { instanceColumns } from './instance-columns';
import { useInstances } from './useInstances';
import { useNoPolicyFilter } from './useNoPolicyFilter';

/** The instances under the tree's selected node, searched by `filter`; a row opens its detail. */
export function InstancesView({ filter }: { filter: string }) {
  const { data, error, loading, reload } = useInstances();
  const scope = useInventoryStore((s) => s.scope);
  const [selected, setSelected] = useState<InstanceRow | null>(null);
  const instances = data?.items;
  const { keep, pill } = useNoPolicyFilter();
  const rows = useMemo(() => (instances ?? []).filter((i) => inScope(i, scope) && keep(i)), [instances, scope, keep]);
  return (
    <Stack style={{ flex: 1, minWidth: 0 }} gap={4}>
      {error && <ErrorAlert error={error} title="The instances could not be listed" onRetry={reload} />}
      <Text size="sm" c="dimmed" data-testid="instance-count">
        {plural(rows.length, 'instance')}
        {scope ? ` in ${scope.kind} ${scope.name}` : ''}
      </Text>
      {pill && <Group>{pill}</Group>}
      <div style={{ flex: 1, minHeight: 0 }}>
        <DataTable<InstanceRow>
          testId="instances-table"
          label="Instances"
          rows={rows}
          columns={instanceColumns}
          getRowId={(i) => `${i.providerId}/${i.id}`}
          filter={filter}
          onRowClick={setSelected}
          selectedId={selected ? `${selected.providerId}/${selected.id}` : null}
          initialSort={[{ id: 'name', desc: false }]}
          emptyText={
            error && !instances
              ? 'Not listed: see the error above.'
              : loading && !instances
                ? 'Loading…'
                : instances?.length
                  ? 'No instance matches.'
                  : 'No instances yet: sync the cloud.'
          }
        />
      </div>
      <InstanceDetail instance={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
