import { useRef, useState } from 'react';
import { Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { IconCloudPlus } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { ProviderWizard } from '../providers/ProviderWizard';
import { DoneNote, StepFrame } from './StepFrame';

/** The state of a cloud's inventory: its first sync running, synced, or failed with the reason. */
export function SyncState({ provider }: { provider: ProviderView }) {
  if (provider.lastSyncError)
    return (
      <Text size="sm" c="red">
        Last sync failed: {provider.lastSyncError}
      </Text>
    );
  if (!provider.lastSyncAt)
    return (
      <Group gap={6}>
        <Loader size="xs" />
        <Text size="sm">First inventory sync running…</Text>
      </Group>
    );
  return (
    <Badge color="green" variant="light">
      synced {new Date(provider.lastSyncAt).toLocaleString()}
    </Badge>
  );
}

/** Step 1: a cloud, added with the same wizard as on the Clouds page (it saves, then starts the first sync). */
export function CloudSetup({ providers }: { providers: ProviderView[] }) {
  const [open, setOpen] = useState(false);
  // The wizard unmounts on close (no closing transition to return the focus): the button gets it back here.
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => opener.current?.focus());
  };
  return (
    <StepFrame
      title="Add a cloud"
      intro="Backstack reads your OpenStack through Keystone: its URL, a region and an admin's credentials (or an openrc / clouds.yaml file). After the connection test it saves the cloud and syncs its inventory: projects, instances, volumes and the hypervisors they run on."
    >
      {open && <ProviderWizard opened editing={null} onClose={close} />}
      {providers.length > 0 ? (
        <Stack gap="sm">
          <DoneNote title={providers.length === 1 ? 'A cloud is added' : `${providers.length} clouds are added`} />
          <Table withTableBorder data-testid="setup-clouds">
            <Table.Tbody>
              {providers.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td fw={600}>{p.name}</Table.Td>
                  <Table.Td c="dimmed">
                    {p.authUrl} · {p.region}
                  </Table.Td>
                  <Table.Td>
                    <SyncState provider={p} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button ref={opener} variant="default" w="fit-content" leftSection={<IconCloudPlus size={16} />} onClick={() => setOpen(true)}>
            Add another cloud
          </Button>
        </Stack>
      ) : (
        <Button ref={opener} w="fit-content" leftSection={<IconCloudPlus size={16} />} onClick={() => setOpen(true)}>
          Add a cloud…
        </Button>
      )}
    </StepFrame>
  );
}
