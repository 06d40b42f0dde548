import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button, Group, Paper, ScrollArea, SegmentedControl, Stack } from '@mantine/core';
import { IconCloudPlus, IconServer } from '@tabler/icons-react';
import { ActionButtons } from '../../components/ActionButtons';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { useInventoryStore } from '../../stores/inventory.store';
import { syncClouds } from '../providers/provider-actions';
import { InstancesView } from './InstancesView';
import { InventoryTree } from './InventoryTree';
import { VolumesView } from './VolumesView';

type View = 'instances' | 'volumes';
const SEARCH: Record<View, { placeholder: string; label: string }> = {
  instances: { placeholder: 'Search name, tag, host, status…', label: 'Search instances' },
  volumes: { placeholder: 'Search name, status, instance, type…', label: 'Search volumes' },
};

/** The tree of clouds, domains and projects beside their instances (/inventory) or volumes (/inventory/volumes). */
export function InventoryPage() {
  const navigate = useNavigate();
  const view: View = useParams().view === 'volumes' ? 'volumes' : 'instances';
  const providers = useAppStore((s) => s.providers);
  const scope = useInventoryStore((s) => s.scope);
  const [filter, setFilter] = useState('');

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
          The inventory lists your clouds' domains, projects, instances and volumes with their disks, flavors, networks and tags. Add a cloud and
          run an inventory sync to fill it.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Stack h="100%" gap="sm">
      <PageHeader title="Inventory" search={{ value: filter, onChange: setFilter, width: 320, ...SEARCH[view] }}>
        <SegmentedControl
          aria-label="Show"
          data={[
            { value: 'instances', label: 'Instances' },
            { value: 'volumes', label: 'Volumes' },
          ]}
          value={view}
          onChange={(v) => {
            setFilter('');
            void navigate(v === 'volumes' ? '/inventory/volumes' : '/inventory');
          }}
        />
        <ActionButtons actions={[syncClouds]} items={scope ? providers.filter((x) => x.id === scope.providerId) : providers} size="sm" />
      </PageHeader>
      <Group align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder w={220} p={4} style={{ flexShrink: 0 }}>
          <ScrollArea h="100%">
            <InventoryTree />
          </ScrollArea>
        </Paper>
        {view === 'volumes' ? <VolumesView filter={filter} /> : <InstancesView filter={filter} />}
      </Group>
    </Stack>
  );
}
