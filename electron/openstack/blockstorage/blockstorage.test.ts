import { afterEach, describe, expect, it } from 'vitest';
import { BadRequestError, WaitFailedError } from '../core/errors';
import { adminClient, demoClient, standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { listVolumeAvailabilityZones } from './availability-zones';
import { createSnapshot, listSnapshots, waitForSnapshotStatus } from './snapshots';
import { listVolumeTypes } from './volume-types';
import { createVolume, deleteVolume, listVolumes, parseVolumeHost, waitForVolumeDeleted, waitForVolumeStatus } from './volumes';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

const admin = () => adminClient(cloud);
const demo = () => demoClient(cloud);

describe('volumes', () => {
  it('lists every project’s volumes for an admin, with attachments, backend and boot image', async () => {
    cloud = standardCloud();
    const volumes = await listVolumes(await admin().blockStorage(), { allTenants: true }).all();
    expect(cloud.requestsTo(/volumes\/detail$/)[0]!.microversion).toBe('3.65');
    expect(volumes.map((v) => [v.name, v.projectId, v.status])).toEqual([
      ['demo-data', 'p-demo', 'in-use'],
      ['demo-boot', 'p-demo', 'in-use'],
      ['acme-db', 'p-prod', 'available'],
    ]);
    expect(volumes[1]).toMatchObject({
      bootable: true,
      host: 'cinder-vol@ceph#ceph',
      backendName: 'ceph',
      pool: 'ceph',
      volumeType: 'ceph-rbd',
      volumeTypeId: 'vt-ceph',
      sourceImageId: 'img-cirros',
      attachments: [{ serverId: 's-bfv', attachmentId: 'att-v-boot', device: '/dev/vdb', hostName: 'compute-1' }],
    });
  });

  it('lists one project’s volumes for a member, without the admin host attribute', async () => {
    cloud = standardCloud();
    const volumes = await listVolumes(await demo().blockStorage()).all();
    expect(volumes.map((v) => v.name)).toEqual(['demo-data', 'demo-boot']);
    expect(volumes[0]!.backendName).toBeUndefined();
  });

  it('splits Cinder host strings', () => {
    expect(parseVolumeHost('node@ceph#pool-a')).toEqual({ backend: 'ceph', pool: 'pool-a' });
    expect(parseVolumeHost('node@lvm')).toEqual({ backend: 'lvm', pool: undefined });
    expect(parseVolumeHost(null)).toEqual({ backend: undefined, pool: undefined });
  });

  it('creates, waits, refuses to delete an attached volume, deletes and waits for it to go', async () => {
    cloud = standardCloud();
    const bs = await admin().blockStorage();
    const created = await createVolume(bs, { sizeGiB: 2, name: 'restore-target', volumeType: 'ceph-rbd' });
    expect(created.status).toBe('creating');
    const progress: string[] = [];
    await waitForVolumeStatus(bs, created.id, 'available', { timeoutMs: 60_000, clock: cloud.clock, onProgress: (v) => progress.push(v.status) });
    expect(progress).toEqual(['creating', 'available']);
    const err = await deleteVolume(bs, 'v-data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toContain('Cinder (block-storage) refused DELETE');
    await deleteVolume(bs, created.id);
    expect(await waitForVolumeDeleted(bs, created.id, { timeoutMs: 60_000, clock: cloud.clock })).toBeNull();
  });

  it('stops waiting when the volume goes to error', async () => {
    cloud = standardCloud();
    const bs = await admin().blockStorage();
    cloud.volumes.push({ id: 'v-bad', name: 'bad', status: 'creating', _becomes: 'error', size: 1, attachments: [] });
    await expect(waitForVolumeStatus(bs, 'v-bad', 'available', { timeoutMs: 60_000, clock: cloud.clock })).rejects.toThrow(WaitFailedError);
  });
});

describe('snapshots, types and zones', () => {
  it('lists snapshots of every project', async () => {
    cloud = standardCloud();
    const snaps = await listSnapshots(await admin().blockStorage(), { allTenants: true }).all();
    expect(snaps.map((s) => [s.name, s.volumeId, s.projectId, s.progress])).toEqual([
      ['demo-data-snap-1', 'v-data', 'p-demo', '100%'],
      ['acme-db-nightly', 'v-db', 'p-prod', '100%'],
    ]);
  });

  it('creates a snapshot and waits for it', async () => {
    cloud = standardCloud();
    const bs = await admin().blockStorage();
    const snap = await createSnapshot(bs, { volumeId: 'v-data', name: 'backstack-tmp', force: true });
    expect(cloud.requestsTo(/snapshots$/, 'POST')[0]!.body).toEqual({ snapshot: { volume_id: 'v-data', name: 'backstack-tmp', force: true } });
    expect((await waitForSnapshotStatus(bs, snap.id, 'available', { timeoutMs: 60_000, clock: cloud.clock })).status).toBe('available');
  });

  it('gives each volume type its backend name (admins see extra specs)', async () => {
    cloud = standardCloud();
    expect((await listVolumeTypes(await admin().blockStorage(), { includePrivate: true }).all()).map((t) => [t.name, t.backendName])).toEqual([
      ['ceph-rbd', 'ceph'],
      ['__DEFAULT__', undefined],
    ]);
    expect((await listVolumeTypes(await demo().blockStorage()).all())[0]!.extraSpecs).toBeUndefined();
  });

  it('lists Cinder availability zones', async () => {
    cloud = standardCloud();
    expect(await listVolumeAvailabilityZones(await admin().blockStorage())).toEqual([{ name: 'nova', available: true }]);
  });
});
