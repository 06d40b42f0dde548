import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Paper, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCloudPlus, IconRefresh, IconSearch, IconServer } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { call } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useAppStore } from '../../stores/app.store';
import { inScope, startInventorySync, useInventoryStore, type InstanceRow } from '../../stores/inventory.store';
import { InstanceDetail } from './InstanceDetail';
import { instanceColumns } from './instance-columns';
import { InventoryTree } from './InventoryTree';

export function InventoryPage() {
  const navigate = useNavigate();
  const providers = useAppStore((s) => s.providers);
  const instances = useInventoryStore((s) => s.instances);
  const scope = useInventoryStore((s) => s.scope);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<InstanceRow | null>(null);
  useEffect(() => startInventorySync(), []);
  const rows = useMemo(() => instances.filter((i) => inScope(i, scope)), [instances, scope]);

  if (providers.length === 0) {
    return (
      <Stack>
        <Title order={2}>Inventory</Title>
        <EmptyState
          icon={<IconServer size={28} />}
          title="No cloud to show yet"
          action={
            <Button leftSection={<IconCloudPlus size={16} />} onClick={() => void navigate('/settings/providers')}>
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

  const sync = async () => {
    for (const p of scope ? providers.filter((x) => x.id === scope.providerId) : providers) {
      try {
        await call('inventory.startSync', { providerId: p.id });
      } catch (e) {
        notifications.show({ color: 'red', title: `Sync of ${p.name} not started`, message: (e as Error).message });
      }
    }
    notifications.show({ title: 'Inventory sync started', message: 'Follow it in Jobs; the lists refresh when it ends.' });
  };

  return (
    <Stack h="100%" gap="sm">
      <Group justify="space-between">
        <Title order={2}>Inventory</Title>
        <Group>
          <TextInput
            placeholder="Search name, tag, host, status…"
            leftSection={<IconSearch size={16} />}
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            aria-label="Search instances"
            w={320}
          />
          <Button variant="light" leftSection={<IconRefresh size={16} />} onClick={() => void sync()}>
            Sync
          </Button>
        </Group>
      </Group>
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder w={260} p={4} style={{ flexShrink: 0 }}>
          <ScrollArea h="100%">
            <InventoryTree />
          </ScrollArea>
        </Paper>
        <Stack style={{ flex: 1, minWidth: 0 }} gap={4}>
          <Text size="sm" c="dimmed" data-testid="instance-count">
            {rows.length} instance{rows.length === 1 ? '' : 's'}
            {scope ? ` in ${scope.kind} ${scope.name}` : ''}
          </Text>
          <div style={{ flex: 1, minHeight: 0 }}>
            <DataTable<InstanceRow>
              testId="instances-table"
              rows={rows}
              columns={instanceColumns}
              getRowId={(i) => `${i.providerId}/${i.id}`}
              filter={filter}
              onRowClick={setSelected}
              selectedId={selected ? `${selected.providerId}/${selected.id}` : null}
              initialSort={[{ id: 'name', desc: false }]}
              emptyText={instances.length ? 'No instance matches.' : 'No instances yet: sync the cloud.'}
            />
          </div>
        </Stack>
      </Group>
      <InstanceDetail instance={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
