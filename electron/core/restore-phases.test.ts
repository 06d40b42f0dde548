import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/domain/jobs';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { fakeRestoreHosts, writeInstanceRestorePoint, type FakeWrite } from '../services/restore/testing';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// A whole restore through Nova, against the MockAgent cloud, with the hypervisors replaced by a
// fake that records what would be written where: the job's phase says what it is doing, in order.
const MiB = 1024 * 1024;
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
const written: FakeWrite[] = [];
/** the write (1, 2 …) that fails, when a test says so */
let failAt: number | null = null;

beforeEach(() => {
  written.length = 0;
  failAt = null;
  cloud = standardCloud();
  ({ core, dir } = t = openTestCore('backstack-restore-phases-', {
    openstackDispatcher: cloud.agent,
    openstackClock: cloud.clock,
    restoreHosts: fakeRestoreHosts(written, async () => {
      if (written.length === failAt) throw new Error('qemu-nbd: Failed to open /var/lib/nova/instances/x/disk: Permission denied');
    }),
  }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

/** demo-web-1's restore point (a local disk vda, an RBD volume vdb of 1 MiB each), indexed in the catalog. */
async function restorePoint(providerId: string, destinationId: string): Promise<string> {
  const image = path.join(dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(MiB, 'backstack '));
  const client = adminClient(cloud);
  const repo = await core.services.destinations.open(destinationId);
  try {
    const m = await writeInstanceRestorePoint(repo, client, { providerId, image });
    await core.services.destinations.reindex(destinationId);
    return m.id;
  } finally {
    await repo.close();
    await client.close();
  }
}

/** The mock cloud added with its admin account, a local destination, and demo-web-1's restore point in it. */
async function cloudAndRestorePoint(): Promise<string> {
  const provider = ok(
    await core.api.invoke('providers.add', {
      provider: { name: 'mock', authUrl: cloud.authUrl, authDomains: [{ name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' }] },
    }),
  );
  const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
  return restorePoint(provider.id, destination.id);
}

describe('the pre-flight of a restore', () => {
  it('lists the conflicts, and restore.start refuses them all in one message without creating anything', async () => {
    const backupId = await cloudAndRestorePoint();
    cloud.quotas.set('p-admin', { cores: 0 });
    const params = { backupId, projectId: 'p-admin', flavor: 'm9.huge', keypair: 'admin-key', networks: [{ from: 0, to: 'nowhere' }] };
    const report = ok(await core.api.invoke('restore.preflight', params));
    expect(report.blocked).toBe(true);
    expect(report.items.filter((i) => i.severity === 'blocker').map((i) => i.field)).toEqual(['flavor', 'network']);

    const servers = cloud.servers.length;
    const volumes = cloud.volumes.length;
    const r = await core.api.invoke('restore.start', params);
    expect(r.ok === false && r.error.code).toBe('resource.conflict');
    expect(r.ok === false && r.error.message).toMatch(/^The restore was not started \(nothing was created\): Flavor m9.huge: No flavor "m9.huge".* · Network: No network "nowhere"/);
    expect(ok(await core.api.invoke('jobs.list', {})).items).toEqual([]);
    expect([cloud.servers.length, cloud.volumes.length]).toEqual([servers, volumes]);
    expect(cloud.requests.filter((q) => q.method !== 'GET' && !q.path.includes('auth'))).toEqual([]);

    // a quota the restore would exceed blocks it too, once the choices are right
    const quota = ok(await core.api.invoke('restore.preflight', { backupId, projectId: 'p-admin', keypair: 'admin-key' }));
    expect(quota.items.filter((i) => i.severity === 'blocker').map((i) => i.item)).toEqual(['Quota: cores']);
  });

  it('leaves the restored server SHUTOFF when asked to power it off, with no key pair', async () => {
    const backupId = await cloudAndRestorePoint();
    const { jobId } = ok(await core.api.invoke('restore.start', { backupId, name: 'web-off', projectId: 'p-admin', keypair: null, power: 'off' }));
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
    expect(job.summary).toMatch(/^Server web-off \(s-new-\d+\) restored and SHUTOFF\.$/);
    const created = cloud.servers.find((s) => s.name === 'web-off');
    expect(created?.status).toBe('SHUTOFF');
    const post = cloud.requests.find((q) => q.method === 'POST' && q.path.endsWith('/servers'));
    expect((post?.body as { server: Record<string, unknown> }).server.key_name).toBeUndefined();
  });
});

describe('a restore through Nova', () => {
  it('reports each step as its phase, in order, with the bytes while a disk is written', async () => {
    const provider = { id: await addMockCloud(core, cloud.authUrl, { sync: false }) };
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
    const backupId = await restorePoint(provider.id, destination.id);

    const seen: JobProgress[] = [];
    core.bus.on('jobs.progressed', ({ progress }) => seen.push(progress));
    const { jobId } = ok(
      await core.api.invoke('restore.start', { backupId, name: 'web-back', projectId: 'p-admin', keypair: 'admin-key', verify: true }),
    );
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state, job.error?.message).toBe('succeeded');

    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual([
      'Reading the restore point',
      'Signing in to the cloud',
      'Looking up the flavor and networks',
      'Connecting to compute-1',
      'Creating a volume for disk vdb',
      'Writing disk vdb',
      'Verifying disk vdb',
      'Waiting for Nova to build the server',
      'Stopping the server to write its disks',
      'Connecting to compute-1.example.org',
      'Writing disk vda',
      'Verifying disk vda',
      'Starting the server',
      'Attaching the volume of disk vdb',
      'Restored',
    ]);
    // A disk's bytes count from the first report; a step that moves no bytes shows none.
    expect(seen.find((p) => p.phase === 'Writing disk vda')).toMatchObject({ unit: 'bytes', bytesDone: 0, bytesTotal: MiB });
    expect(seen.find((p) => p.phase === 'Waiting for Nova to build the server')).toMatchObject({ bytesDone: 0, bytesTotal: null });
    expect(job.progress.phase).toBe('Restored');

    // What the phases claim happened: the RBD disk into the new volume, the local one into the new server's file.
    const created = cloud.servers.find((s) => s.name === 'web-back');
    const volume = cloud.volumes.find((v) => v.name === 'web-back-vdb');
    expect(written).toEqual([
      { host: 'compute-1', disk: 'vdb', target: `rbd volumes/volume-${String(volume?.id)}` },
      { host: 'compute-1.example.org', disk: 'vda', target: `/var/lib/nova/instances/${String(created?.['OS-EXT-SRV-ATTR:instance_name'])}/disk` },
    ]);
    expect(created?.status).toBe('ACTIVE');
    expect(volume?.status).toBe('in-use');
  });

  it('removes the server and volume it created when a later step fails, and says so', async () => {
    const backupId = await cloudAndRestorePoint();
    const [servers, volumes] = [cloud.servers.length, cloud.volumes.length];
    failAt = 2; // vdb written into its new volume, the server built; writing its local disk vda fails
    const { jobId } = ok(await core.api.invoke('restore.start', { backupId, name: 'web-broken', projectId: 'p-admin', keypair: 'admin-key' }));
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toContain('Permission denied');
    const log = ok(await core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
    expect(log).toContainEqual(expect.stringMatching(/^The restore did not finish: removed what it had created \(server s-new-\d+, volume v-new-\d+\)\.$/));
    expect(cloud.servers.some((s) => s.name === 'web-broken')).toBe(false);
    expect([cloud.servers.length, cloud.volumes.length]).toEqual([servers, volumes]);
  });
});
