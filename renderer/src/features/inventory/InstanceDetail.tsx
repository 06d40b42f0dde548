import type { ReactNode } from 'react';
import { Badge, Code, Drawer, Group, Loader, Stack, Tabs, Text } from '@mantine/core';
import type { OutputOf } from '../../../../shared/ipc/contract';
import { useQuery } from '../../api/useQuery';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useEscapeInside } from '../../components/escape-inside';
import { KeyValueTable } from '../../components/KeyValueTable';
import type { InstanceRow } from '../../stores/inventory.store';
import { AddToPolicy } from '../protection/AddToPolicy';
import { diskColumns, disksOf } from './disk-columns';
import { InstanceBackups } from './InstanceBackups';
import { InstanceSnapshots } from './InstanceSnapshots';
import { StatusBadge } from './instance-columns';

type Detail = OutputOf<'inventory.getInstance'>;

function overview(i: Detail): [string, ReactNode][] {
  return [
    ['ID', <Code key="id">{i.id}</Code>],
    [
      'Flavor',
      i.flavor.name ? `${i.flavor.name} (${i.flavor.vcpus ?? '?'} vCPU, ${i.flavor.ramMb ?? '?'} MiB RAM, ${i.flavor.diskGb ?? '?'} GiB disk)` : null,
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
  ];
}

/** Everything the inventory knows of one instance: what a backup will capture and a restore will need. */
export function InstanceDetail({ instance: row, onClose }: { instance: InstanceRow | null; onClose: () => void }) {
  // Keyed by the row: a quick click on another row shows that row's detail, never a late answer for the first.
  const {
    data: i,
    error,
    reload,
  } = useQuery('inventory.getInstance', row ? { providerId: row.providerId, id: row.id } : null, {
    tables: ['inventory'],
  });
  const escape = useEscapeInside(row !== null, onClose);
  return (
    <Drawer
      opened={row !== null}
      onClose={onClose}
      {...escape}
      position="right"
      size="xl"
      title={row ? row.name : ''}
      data-testid="instance-detail"
    >
      {row && !i && (error ? <ErrorAlert error={error} title="The instance could not be read" onRetry={reload} /> : <Loader />)}
      {i && (
        <Stack>
          <Group>
            <StatusBadge status={i.status} vanished={i.vanishedAt !== null} />
            <Text size="sm" c="dimmed">
              {i.providerName} / {i.projectName ?? i.projectId}
            </Text>
            <AddToPolicy providerId={i.providerId} instanceId={i.id} name={i.name} />
          </Group>
          <Tabs defaultValue="overview" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="disks">Disks ({disksOf(i).length})</Tabs.Tab>
              <Tabs.Tab value="networks">Networks</Tabs.Tab>
              <Tabs.Tab value="metadata">Tags & metadata</Tabs.Tab>
              <Tabs.Tab value="backups">Backups</Tabs.Tab>
              <Tabs.Tab value="snapshots">Snapshots</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="sm">
              <KeyValueTable rows={overview(i)} />
            </Tabs.Panel>
            <Tabs.Panel value="disks" pt="sm">
              <Stack gap="xs">
                <DataTable rows={disksOf(i)} columns={diskColumns} getRowId={(d) => d.id} height="auto" testId="instance-disks" />
                <Text size="xs" c="dimmed">
                  A backup of the instance takes all of these disks at one instant: the attached volumes are backed up as part of the instance.
                </Text>
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="networks" pt="sm">
              <KeyValueTable
                rows={[
                  ...i.addresses.map((a): [string, ReactNode] => [a.network, `${a.ip} (${a.type ?? 'fixed'}${a.mac ? `, ${a.mac}` : ''})`]),
                  ['Security groups', i.securityGroups.join(', ') || null],
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="metadata" pt="sm">
              <Group gap={4} mb="sm">
                {i.tags.length ? i.tags.map((t) => <Badge key={t}>{t}</Badge>) : <Text c="dimmed">No tags (Nova tags need microversion 2.26).</Text>}
              </Group>
              <KeyValueTable rows={Object.entries(i.metadata)} />
            </Tabs.Panel>
            <Tabs.Panel value="backups" pt="sm">
              <InstanceBackups providerId={i.providerId} instanceId={i.id} name={i.name} />
            </Tabs.Panel>
            <Tabs.Panel value="snapshots" pt="sm">
              <InstanceSnapshots instance={i} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}
