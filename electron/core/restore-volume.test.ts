import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminClient, makeServer, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { fakeRestoreHosts, writeInstanceRestorePoint, type FakeWrite } from '../services/restore/testing';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// One disk of demo-web-1's restore point restored as a volume, against the MockAgent cloud (the
// hypervisors a fake that records what would be written where, or fails when told to).
const MiB = 1024 * 1024;
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
let backupId: string;
const written: FakeWrite[] = [];
let failWrite: Error | null = null;

beforeEach(async () => {
  written.length = 0;
  failWrite = null;
  cloud = standardCloud();
  // an instance of the admin's project (the account the core uses) to attach to
  cloud.servers.push(makeServer({ id: 's-admin', name: 'admin-db', projectId: 'p-admin', userId: 'u-admin', seq: 9, network: 'demo-net' }));
  ({ core, dir } = t = openTestCore('backstack-restore-volume-', {
    openstackDispatcher: cloud.agent,
    openstackClock: cloud.clock,
    restoreHosts: fakeRestoreHosts(written, async () => {
      if (failWrite) throw failWrite;
    }),
  }));
  const providerId = await addMockCloud(core, cloud.authUrl, { sync: false });
  const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
  const image = path.join(dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(MiB, 'backstack '));
  const client = adminClient(cloud);
  const repo = await core.services.destinations.open(destination.id);
  try {
    backupId = (await writeInstanceRestorePoint(repo, client, { providerId, image })).id;
    await core.services.destinations.reindex(destination.id);
  } finally {
    await repo.close();
    await client.close();
  }
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

const writes = () => cloud.requests.filter((q) => q.method !== 'GET' && !q.path.includes('auth')).map((q) => `${q.method} ${q.path.replace(/^\/v2\.1|^\/v3\/[^/]+/, '')}`);

async function run(input: Record<string, unknown>) {
  const { jobId } = ok(await core.api.invoke('restore.volume', { backupId, ...input } as never));
  await core.jobs.whenIdle();
  return { job: core.jobs.get(jobId), log: ok(await core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message) };
}

describe('restore.describe', () => {
  it("lists the restore point's disks: the local boot disk, and the volume with its original type", async () => {
    expect(ok(await core.api.invoke('restore.describe', { backupId }))).toEqual({
      projectId: 'p-demo',
      disks: [
        { name: 'vda', size: MiB, kind: 'local', boot: true, volumeType: null },
        { name: 'vdb', size: MiB, kind: 'volume', boot: false, volumeType: 'ceph-rbd' },
      ],
    });
  });
});

describe('restore volume', () => {
  it('creates a volume in the project, writes the disk into it and attaches it to the instance named', async () => {
    const { job, log } = await run({ disk: 'vdb', projectId: 'p-admin', attachTo: 'admin-db', verify: true });
    expect(job.state, job.error?.message).toBe('succeeded');
    const volume = cloud.volumes.find((v) => v.name === 'demo-web-1-vdb-restored-' + String(job.summary).match(/restored-(\d{4}-\d\d-\d\d)/)?.[1]);
    expect(volume).toMatchObject({ 'os-vol-tenant-attr:tenant_id': 'p-admin', volume_type: 'ceph-rbd', size: 1, status: 'in-use' });
    expect(job.summary).toBe(`Volume ${String(volume?.name)} (${String(volume?.id)}) restored from disk vdb and attached to admin-db (s-admin).`);
    expect(written).toEqual([{ host: 'compute-1', disk: 'vdb', target: `rbd volumes/volume-${String(volume?.id)}` }]);
    expect(log).toContain(`Disk vdb: verified on the hypervisor, sha256 ${'ab'.repeat(32)}.`);
    expect(writes()).toEqual(['POST /volumes', 'POST /servers/s-admin/os-volume_attachments']);
  });

  it('restores a local disk as a volume of the type and name given, in another project, unattached', async () => {
    const { job } = await run({ disk: 'vda', projectId: 'p-admin', name: 'web-root', volumeType: '__DEFAULT__' });
    expect(job.state, job.error?.message).toBe('succeeded');
    const volume = cloud.volumes.find((v) => v.name === 'web-root');
    expect(volume).toMatchObject({ 'os-vol-tenant-attr:tenant_id': 'p-admin', volume_type: '__DEFAULT__', status: 'available' });
    // the pool and Ceph user of the restore point's RBD volumes
    expect(written).toEqual([{ host: 'compute-1', disk: 'vda', target: `rbd volumes/volume-${String(volume?.id)}` }]);
    expect(job.summary).toBe(`Volume web-root (${String(volume?.id)}) restored from disk vda.`);
  });

  it('removes the volume it created when writing fails', async () => {
    failWrite = new Error('qemu-nbd: Could not open rbd image');
    const volumes = cloud.volumes.length;
    const { job, log } = await run({ disk: 'vdb', projectId: 'p-admin', name: 'doomed' });
    expect(job.state).toBe('failed');
    expect(job.error?.message).toContain('qemu-nbd: Could not open rbd image');
    expect(cloud.volumes.map((v) => v.name)).not.toContain('doomed');
    expect(cloud.volumes.length).toBe(volumes);
    expect(log).toContainEqual(expect.stringMatching(/^The restore failed: volume v-new-\d+ it created was deleted\.$/));
  });

  it('is refused by its pre-flight, creating nothing: a missing disk, volume type or instance, a full volume quota', async () => {
    cloud.quotas.set('p-admin', { volumes: 0 });
    const params = { backupId, disk: 'vdb', projectId: 'p-admin', volumeType: 'gold', attachTo: 'nowhere' };
    const report = ok(await core.api.invoke('restore.volumePreflight', params));
    expect(report.items.filter((i) => i.severity === 'blocker').map((i) => `${i.item}: ${i.message}`)).toEqual([
      'Volume type gold: No volume type "gold" in the target cloud for disk vdb: choose one of ceph-rbd, __DEFAULT__.',
      "Quota: volumes: The project uses 0 of 0 volumes and the restore needs 1 more: raise the project's quota, or free some.",
      'Instance nowhere: No instance "nowhere" in the target project: give the id or name of one of its instances.',
    ]);
    const r = await core.api.invoke('restore.volume', params);
    expect(r.ok === false && r.error.code).toBe('resource.conflict');
    expect(ok(await core.api.invoke('restore.volumePreflight', { backupId, disk: 'vdz', projectId: 'p-admin' })).items).toEqual([
      expect.objectContaining({ severity: 'blocker', field: 'disks', message: 'The restore point has no disk vdz: its disks are vda, vdb.' }),
    ]);
    expect(ok(await core.api.invoke('jobs.list', {})).items).toEqual([]);
    expect(writes()).toEqual([]);
  });
});
