import { useState } from 'react';
import { ActionIcon, Badge, Button, Code, Group, Menu, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCloud, IconCloudPlus, IconDots, IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { call } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { useAppStore } from '../../stores/app.store';
import { HypervisorsTable } from './HypervisorsTable';
import { ProviderWizard } from './ProviderWizard';

async function act(what: string, fn: () => Promise<string>) {
  try {
    notifications.show({ color: 'green', title: what, message: await fn() });
  } catch (e) {
    notifications.show({ color: 'red', title: `${what}: failed`, message: (e as Error).message });
  }
}

function ProviderActions({ p }: { p: ProviderView }) {
  const [confirm, setConfirm] = useState(false);
  return (
    <>
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={`Remove "${p.name}"?`}>
        <Text size="sm">Backstack forgets this cloud, its stored passwords and its inventory. Backups already taken stay in their repositories.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirm(false)}>
            Keep
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirm(false);
              void act(`Removed ${p.name}`, async () => (await call('providers.remove', { id: p.id }), 'Done.'));
            }}
          >
            Remove
          </Button>
        </Group>
      </Modal>
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label={`Actions for ${p.name}`}>
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            leftSection={<IconRefresh size={14} />}
            onClick={() =>
              void act(`Sync of ${p.name} started`, async () => `Job ${(await call('inventory.startSync', { providerId: p.id })).jobId.slice(0, 8)}`)
            }
          >
            Sync inventory now
          </Menu.Item>
          <Menu.Item
            leftSection={<IconPlugConnected size={14} />}
            onClick={() =>
              void act(`Connection to ${p.name}`, async () => {
                const t = await call('providers.retest', { id: p.id });
                if (!t.ok) throw new Error(t.error?.message ?? 'failed');
                return t.services.map((s) => `${s.type} ${s.maxMicroversion ?? ''}`.trim()).join(', ');
              })
            }
          >
            Test connection
          </Menu.Item>
          <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirm(true)}>
            Remove…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </>
  );
}

export function ProvidersPanel() {
  const providers = useAppStore((s) => s.providers);
  const [wizard, setWizard] = useState(false);
  const addButton = (
    <Button leftSection={<IconCloudPlus size={16} />} onClick={() => setWizard(true)}>
      Add a cloud
    </Button>
  );
  return (
    <Stack>
      <ProviderWizard opened={wizard} onClose={() => setWizard(false)} />
      {providers.length === 0 ? (
        <EmptyState icon={<IconCloud size={28} />} title="No cloud yet" action={addButton}>
          A cloud is a Keystone URL, a region and the credentials of its authentication domains: import an openrc or clouds.yaml file, or fill them
          in. From a terminal: <Code>backstack provider add --name prod --openrc ~/admin-openrc</Code>
        </EmptyState>
      ) : (
        <>
          <Group justify="flex-end">{addButton}</Group>
          <Table withTableBorder highlightOnHover data-testid="providers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Keystone</Table.Th>
                <Table.Th>Region</Table.Th>
                <Table.Th>Strategy</Table.Th>
                <Table.Th>Authentication domains</Table.Th>
                <Table.Th>Last sync</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {providers.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td fw={600}>{p.name}</Table.Td>
                  <Table.Td>
                    <Code>{p.authUrl}</Code>
                    {p.pinnedCertificate && (
                      <Text size="xs" c="dimmed" title={p.pinnedCertificate.fingerprint256}>
                        pinned certificate {p.pinnedCertificate.fingerprint256.slice(0, 23)}…
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {p.region}{' '}
                    <Text span size="xs" c="dimmed">
                      ({p.endpointInterface})
                    </Text>
                  </Table.Td>
                  <Table.Td>{p.strategy}</Table.Td>
                  <Table.Td>
                    {p.scoped ? 'scoped: ' : ''}
                    {p.authDomains.map((d) => `${d.userName}@${d.name}`).join(', ')}
                  </Table.Td>
                  <Table.Td>
                    {p.lastSyncError ? (
                      <Badge color="red" variant="light" title={p.lastSyncError}>
                        failed
                      </Badge>
                    ) : p.lastSyncAt ? (
                      new Date(p.lastSyncAt).toLocaleString()
                    ) : (
                      'never'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <ProviderActions p={p} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {providers.map((p) => (
            <HypervisorsTable key={p.id} provider={p} />
          ))}
        </>
      )}
    </Stack>
  );
}
