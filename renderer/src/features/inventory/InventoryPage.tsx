import { useNavigate } from 'react-router';
import { Button, Stack, Title } from '@mantine/core';
import { IconCloudPlus, IconServer } from '@tabler/icons-react';
import { EmptyState } from '../../components/EmptyState';

export function InventoryPage() {
  const navigate = useNavigate();
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
