import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { IconCloudPlus, IconServer } from '@tabler/icons-react';
import { plural } from '../../../../shared/format';
import { ActionButtons } from '../../components/ActionButtons';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { inScope, useInventoryStore, type InstanceRow } from '../../stores/inventory.store';
import { syncClouds } from '../providers/provider-actions';
import { InstanceDetail } from './InstanceDetail';
import { instanceColumns } from './instance-columns';
import { InventoryTree } from './InventoryTree';
import { useInstances } from './useInstances';
import { useNoPolicyFilter } from './useNoPolicyFilter';

export function InventoryPage() {
  const navigate = useNavigate();
  const providers = useAppStore((s) => s.providers);
  const { data, error, loading, reload } = useInstances();
  const scope = useInventoryStore((s) => s.scope);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<InstanceRow | null>(null);
  const instances = data?.items;
  const { keep, pill } = useNoPolicyFilter();
  const rows = useMemo(() => (instances ?? []).filter((i) => inScope(i, scope) && keep(i)), [instances, scope, keep]);

  if (providers.length === 0) {
    return (
      <Stack>
        <PageHeader title="Inventory" />
        <EmptyState
          icon={<IconServer size={28} />}
          title="No cloud to show yet"
          action={
            <Button leftSection={<IconCloudPlus size={16} />} onClick={() => void navigate('/clouds')}>
              Add a cloud
            </Button>
          }
        >
          The inventory lists your clouds' domains, projects and instances with their disks, flavors, networks and tags. Add a cloud and run an
          inventory sync to fill it.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack h="100%" gap="sm">
      <PageHeader
        title="Inventory"
        search={{ value: filter, onChange: setFilter, placeholder: 'Search name, tag, host, status…', label: 'Search instances', width: 320 }}
      >
        <ActionButtons actions={[syncClouds]} items={scope ? providers.filter((x) => x.id === scope.providerId) : providers} size="sm" />
      </PageHeader>
      {error && <ErrorAlert error={error} title="The instances could not be listed" onRetry={reload} />}
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder w={220} p={4} style={{ flexShrink: 0 }}>
          <ScrollArea h="100%">
            <InventoryTree />
          </ScrollArea>
        </Paper>
        <Stack style={{ flex: 1, minWidth: 0 }} gap={4}>
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
        </Stack>
      </Group>
      <InstanceDetail instance={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
