import { useEffect, useState } from 'react';
import { Alert, Badge, Code, Drawer, Group, Loader, Stack, Table, Tabs, Text } from '@mantine/core';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { call } from '../../api/client';
import type { InstanceRow } from '../../stores/inventory.store';
import { InstanceBackups } from './InstanceBackups';
import { StatusBadge } from './instance-columns';

function KV({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <Table>
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Th w={180}>{k}</Table.Th>
            <Table.Td>{v ?? '-'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Everything the inventory knows of one instance: what a backup will capture and a restore will need. */
export function InstanceDetail({ instance: row, onClose }: { instance: InstanceRow | null; onClose: () => void }) {
  // Loaded per row; a result for another row (a quick click elsewhere) is ignored.
  const [loaded, setLoaded] = useState<{ key: string; detail: OutputOf<'inventory.getInstance'> | null; error: string | null } | null>(null);
  const key = row ? `${row.providerId}/${row.id}` : '';
  useEffect(() => {
    if (!row) return;
    call('inventory.getInstance', { providerId: row.providerId, id: row.id }).then(
      (detail) => setLoaded({ key, detail, error: null }),
      (e: Error) => setLoaded({ key, detail: null, error: e.message }),
    );
  }, [row, key]);
  const i = loaded?.key === key ? loaded.detail : null;
  const error = loaded?.key === key ? loaded.error : null;
  return (
    <Drawer opened={row !== null} onClose={onClose} position="right" size="xl" title={row ? row.name : ''} data-testid="instance-detail">
      {row && !i && (error ? <Alert color="red">{error}</Alert> : <Loader />)}
      {i && (
        <Stack>
          <Group>
            <StatusBadge status={i.status} vanished={i.vanishedAt !== null} />
            <Text size="sm" c="dimmed">
              {i.providerName} / {i.projectName ?? i.projectId}
            </Text>
          </Group>
          <Tabs defaultValue="overview">
            <Tabs.List>
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="disks">Disks ({i.volumes.length + (i.bootSource.kind === 'image' ? 1 : 0)})</Tabs.Tab>
              <Tabs.Tab value="networks">Networks</Tabs.Tab>
              <Tabs.Tab value="metadata">Tags & metadata</Tabs.Tab>
              <Tabs.Tab value="backups">Backups</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="sm">
              <KV
                rows={[
                  ['ID', <Code key="id">{i.id}</Code>],
                  [
                    'Flavor',
                    i.flavor.name
                      ? `${i.flavor.name} (${i.flavor.vcpus ?? '?'} vCPU, ${i.flavor.ramMb ?? '?'} MiB RAM, ${i.flavor.diskGb ?? '?'} GiB disk)`
                      : null,
                  ],
                  ['Access key (keypair)', i.keyName],
                  ['Host', i.host],
                  ['Hypervisor', i.hypervisorHostname],
                  ['Libvirt domain', i.instanceName ? <Code key="dom">{i.instanceName}</Code> : null],
                  ['Availability zone', i.availabilityZone],
                  [
                    'Boot source',
                    i.bootSource.kind === 'image'
                      ? `image ${i.bootSource.imageName ?? i.bootSource.imageId ?? '(deleted)'}`
                      : `volume ${i.bootSource.volumeId ?? '?'}`,
                  ],
                  ['Power state', i.powerState],
                  ['Created', i.createdAt],
                  ...(i.vanishedAt ? ([['No longer listed since', i.vanishedAt]] as [string, string][]) : []),
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="disks" pt="sm">
              <Table withTableBorder>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Device</Table.Th>
                    <Table.Th>Source</Table.Th>
                    <Table.Th>Size</Table.Th>
                    <Table.Th>Type / backend</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {i.bootSource.kind === 'image' && (
                    <Table.Tr>
                      <Table.Td>root</Table.Td>
                      <Table.Td>Nova disk from image {i.bootSource.imageName ?? i.bootSource.imageId}</Table.Td>
                      <Table.Td>{i.flavor.diskGb !== null ? `${i.flavor.diskGb} GiB` : '-'}</Table.Td>
                      <Table.Td>local (hypervisor)</Table.Td>
                    </Table.Tr>
                  )}
                  {i.volumes.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td>{v.device ?? '-'}</Table.Td>
                      <Table.Td>
                        volume {v.name || v.id} {v.bootable && <Badge size="xs">boot</Badge>}
                      </Table.Td>
                      <Table.Td>{v.sizeGb !== null ? `${v.sizeGb} GiB` : '-'}</Table.Td>
                      <Table.Td>
                        {v.volumeType ?? '-'} / {v.backend ?? '-'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Tabs.Panel>
            <Tabs.Panel value="networks" pt="sm">
              <KV
                rows={[
                  ...i.addresses.map((a): [string, React.ReactNode] => [a.network, `${a.ip} (${a.type ?? 'fixed'}${a.mac ? `, ${a.mac}` : ''})`]),
                  ['Security groups', i.securityGroups.join(', ') || null],
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="metadata" pt="sm">
              <Group gap={4} mb="sm">
                {i.tags.length ? i.tags.map((t) => <Badge key={t}>{t}</Badge>) : <Text c="dimmed">No tags (Nova tags need microversion 2.26).</Text>}
              </Group>
              <KV rows={Object.entries(i.metadata)} />
            </Tabs.Panel>
            <Tabs.Panel value="backups" pt="sm">
              <InstanceBackups providerId={i.providerId} instanceId={i.id} name={i.name} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
