// Test doubles for restores (unit tests, and the journeys' MockAgent console in e2e/mock-cloud):
// a restore point of the standard mock cloud's demo-web-1, and hypervisors that write nothing.
import fs from 'node:fs';
import { fileSource, startBackup, type Manifest, type Repository } from '../../engine';
import * as os from '../../openstack';
import { collectInstanceMetadata } from '../backup/metadata';
import type { ProviderView } from '../../../shared/domain/providers';
import { VOLUME_DISK } from '../../transfer/disk-attachment';
import { volumeSourceInfo } from '../backup/volume-backup.job';
import type { CloudIdentity } from '../providers/cloud-identity';
import type { RestoreHostsFactory } from './restore-hosts';

const MiB = 1024 * 1024;

/**
 * A restore point of demo-web-1 (s-web) as the libvirt strategy writes it: its Nova, Glance,
 * Cinder and Neutron metadata read from the cloud, a local disk vda (from its image) and its RBD
 * volume vdb, each `image` (a file) as backed up. With `cloud`, the identity a backup job records
 * (restore points made before it was recorded have none).
 */
export async function writeInstanceRestorePoint(
  repo: Repository,
  client: os.ProviderClient,
  o: { providerId: string; image: string; cloud?: CloudIdentity },
): Promise<Manifest> {
  const server = await os.getServer(await client.compute(), 's-web');
  const meta = await collectInstanceMetadata(client, server);
  const size = fs.statSync(o.image).size;
  const w = await startBackup(repo, {
    group: server.id,
    sourceInfo: {
      kind: 'instance',
      strategy: 'libvirt-ssh',
      backupKind: 'full',
      providerId: o.providerId,
      ...(o.cloud ? { cloud: o.cloud } : {}),
      resourceId: server.id,
      resourceName: server.name,
      projectId: server.projectId,
      host: 'compute-1',
    },
    metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
  });
  await w.addDisk({ name: 'vda', source: fileSource(o.image) });
  await w.addDisk({ name: 'vdb', source: fileSource(o.image) });
  const disks = [
    { target: 'vda', bus: 'virtio', kind: 'file', format: 'qcow2', serial: null, size, path: '/var/lib/nova/instances/s-web/disk' },
    { target: 'vdb', bus: 'virtio', kind: 'rbd', format: 'raw', serial: 'v-data', size, pool: 'volumes', image: 'volume-v-data', rbdUser: 'cinder' },
  ];
  return w.commit({ metadata: { libvirt: { disks } } });
}

/**
 * A restore point of a standalone volume (`volumeId`, e.g. acme-db's v-db) as `backup.volume` writes
 * it through a proxy VM: its one disk `volume` (from `image`, a file), its Cinder metadata read from the cloud.
 */
export async function writeVolumeRestorePoint(
  repo: Repository,
  client: os.ProviderClient,
  o: { provider: ProviderView; volumeId: string; image: string },
): Promise<Manifest> {
  const volume = await os.getVolume(await client.blockStorage(), o.volumeId);
  const size = fs.statSync(o.image).size;
  const w = await startBackup(repo, {
    group: volume.id,
    sourceInfo: { ...volumeSourceInfo(o.provider, volume, 'e2e-installation'), strategy: 'disk-attachment', backupKind: 'full' },
    metadata: { cinder: { volumes: [{ ...volume, type: null }] } },
  });
  await w.addDisk({ name: VOLUME_DISK, source: fileSource(o.image) });
  const disks = [{ target: VOLUME_DISK, volumeId: volume.id, size, bootable: volume.bootable, volumeType: volume.volumeType ?? null, incremental: false, bytesRead: size }];
  return w.commit({ metadata: { diskAttachment: { proxy: { serverId: 'proxy-server', name: 'backup-proxy' }, disks, transferredBytes: size } } });
}

/** What a fake hypervisor was asked to write: the disk and where ("rbd pool/image", or the file's path). */
export interface FakeWrite {
  host: string;
  disk: string;
  target: string;
}

/**
 * Hypervisors that write nothing: each write is recorded, reports half and then all of 1 MiB
 * (waiting for `gate` in between, when given) and is verified; a new server's local disk is vda.
 */
export function fakeRestoreHosts(written: FakeWrite[], gate?: () => Promise<void>, agent: { answered: boolean; detail: string } = { answered: true, detail: 'guest-ping answered {"return":{}}' }): RestoreHostsFactory {
  return () => ({
    open: async (host, hypervisorHostname) => {
      const hostname = hypervisorHostname ?? host ?? '?';
      return {
        hostname,
        write: async (disk, target, on) => {
          const s = target.source;
          written.push({ host: hostname, disk, target: s.kind === 'rbd' ? `rbd ${s.pool}/${s.image}` : s.kind === 'file' ? s.path : s.kind });
          on.progress(MiB / 2, MiB);
          await gate?.();
          on.progress(MiB, MiB);
          on.verifying();
          return { sha256: 'ab'.repeat(32) };
        },
        domainDisks: async (name) => [
          {
            target: 'vda',
            device: 'disk',
            bus: 'virtio',
            format: 'qcow2',
            source: { kind: 'file', path: `/var/lib/nova/instances/${name}/disk` },
            backingChain: [],
            readonly: false,
            serial: null,
            alias: null,
          },
        ],
        guestAgentPing: async () => agent,
        close: () => undefined,
      };
    },
  });
}
