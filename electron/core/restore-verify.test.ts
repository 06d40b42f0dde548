import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud, adminClient } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { fakeRestoreHosts, writeInstanceRestorePoint, type FakeWrite } from '../services/restore/testing';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// A boot check (restore.verify) through the contract, against the MockAgent cloud: the restore
// point booted in the sandbox project, its console read, everything created removed, the evidence
// kept in the destination and the catalog (and found again by a re-index).
const MiB = 1024 * 1024;
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
const written: FakeWrite[] = [];
let gate: (() => Promise<void>) | undefined;
let agent = { answered: true, detail: 'guest-ping answered {"return":{}}' };

beforeEach(() => {
  written.length = 0;
  gate = undefined;
  agent = { answered: true, detail: 'guest-ping answered {"return":{}}' };
  cloud = standardCloud();
  // the sandbox: the admin project, with a network of its own beside the external one
  cloud.networks.push({ id: 'n-sandbox', name: 'sandbox-net', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': false, subnets: [], project_id: 'p-admin', tenant_id: 'p-admin', mtu: 1450, tags: [] });
  // the restore point's image declares a guest agent
  const cirros = cloud.images.find((i) => i.id === 'img-cirros')!;
  cirros.hw_qemu_guest_agent = 'yes';
  ({ core, dir } = t = openTestCore('backstack-restore-verify-', {
    openstackDispatcher: cloud.agent,
    openstackClock: cloud.clock,
    restoreHosts: (o) => fakeRestoreHosts(written, gate && (() => gate!()), agent)(o),
  }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

/** The mock cloud, a destination, and demo-web-1's restore point (a local disk vda, an RBD volume vdb). */
async function restorePoint(): Promise<{ backupId: string; destinationId: string; providerId: string }> {
  const providerId = await addMockCloud(core, cloud.authUrl, { sync: false });
  const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
  const image = path.join(dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(MiB, 'backstack '));
  const client = adminClient(cloud);
  const repo = await core.services.destinations.open(destination.id);
  try {
    const m = await writeInstanceRestorePoint(repo, client, { providerId, image });
    await core.services.destinations.reindex(destination.id);
    return { backupId: m.id, destinationId: destination.id, providerId };
  } finally {
    await repo.close();
    await client.close();
  }
}

const leftInSandbox = () => ({
  servers: cloud.servers.filter((s) => String(s.name).startsWith('bsk-verify-')).map((s) => s.name),
  volumes: cloud.volumes.filter((v) => String(v.name).startsWith('bsk-verify-')).map((v) => v.name),
});

describe('verify by booting', () => {
  it('asks for the sandbox project the first time, then remembers it per cloud', async () => {
    const { backupId, providerId } = await restorePoint();
    const r = await core.api.invoke('restore.verify', { backupId });
    expect(r.ok === false && r.error).toMatchObject({ code: 'validation.invalidInput', message: expect.stringMatching(/^Choose the sandbox project of .* \(--sandbox-project\)/) });
    expect(ok(await core.api.invoke('restore.verifySandbox', { providerId })).projectId).toBeNull();
    ok(await core.api.invoke('restore.verify', { backupId, sandboxProjectId: 'p-admin' }));
    await core.jobs.whenIdle();
    expect(ok(await core.api.invoke('restore.verifySandbox', { providerId })).projectId).toBe('p-admin');
    const again = ok(await core.api.invoke('restore.verify', { backupId }));
    expect(again.sandboxProjectId).toBe('p-admin');
    await core.jobs.whenIdle();
  });

  it('boots it in the sandbox on its own network, keeps the evidence and removes everything it created', async () => {
    const { backupId, destinationId } = await restorePoint();
    const { jobId } = ok(await core.api.invoke('restore.verify', { backupId, sandboxProjectId: 'p-admin' }));
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
    expect(job.summary).toMatch(/^Verified bootable: a login prompt on the console \("bsk-verify-demo-web-1-\d{8}-\d{4} login:"\), \d+ s after ACTIVE .* guest agent answered\. Removed server bsk-verify-demo-web-1-.*, volume bsk-verify-demo-web-1-.*-vdb\.$/);

    // created in the sandbox, on its network (not the external one), without a key pair
    const post = cloud.requests.find((q) => q.method === 'POST' && q.path.endsWith('/servers'));
    const server = (post?.body as { server: { name: string; key_name?: string; networks: { uuid: string }[] } }).server;
    expect(server).toMatchObject({ name: expect.stringMatching(/^bsk-verify-demo-web-1-\d{8}-\d{4}$/), networks: [{ uuid: 'n-sandbox' }] });
    expect(server.key_name).toBeUndefined();
    expect(cloud.requests.some((q) => q.method === 'POST' && q.path.includes('floatingips'))).toBe(false);
    expect(leftInSandbox()).toEqual({ servers: [], volumes: [] });

    // kept in the catalog: the evidence the timeline shows
    const [row] = ok(await core.api.invoke('backups.list', { destinationId })).items;
    expect(row?.verification).toMatchObject({
      result: 'passed',
      jobId,
      projectId: 'p-admin',
      serverName: server.name,
      evidence: expect.stringMatching(/^a login prompt/),
      guestAgent: { state: 'answered' },
      removed: [expect.stringMatching(/^server bsk-verify-/), expect.stringMatching(/^volume bsk-verify-.*-vdb/)],
      seconds: { restore: expect.any(Number), boot: expect.any(Number), total: expect.any(Number) },
    });
    expect(row?.verification?.console.at(-1)).toBe(`${server.name} login:`);

    // and in the destination: a catalog rebuilt from it finds it again
    core.catalog.db.prepare('UPDATE backups SET verification = NULL').run();
    ok(await core.api.invoke('destinations.startReindex', { id: destinationId }));
    await core.jobs.whenIdle();
    const [rebuilt] = ok(await core.api.invoke('backups.list', { destinationId })).items;
    expect(rebuilt?.verification).toEqual(row?.verification);
  });

  it('records a failed check when the console shows no sign of an OS, with the excerpt, secrets withheld, and still cleans up', async () => {
    const { backupId, destinationId } = await restorePoint();
    cloud.consoleOf = () => ['SeaBIOS (version 1.16)', 'Booting from Hard Disk...', 'admin password: s3cret', 'Kernel panic - not syncing: VFS: Unable to mount root fs'].join('\n');
    agent = { answered: false, detail: 'error: Guest agent is not responding' };
    const { jobId } = ok(await core.api.invoke('restore.verify', { backupId, sandboxProjectId: 'p-admin' }));
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/^Boot check failed: The console showed no sign the OS came up within 5 minutes .* Removed server bsk-verify-/);
    expect(leftInSandbox()).toEqual({ servers: [], volumes: [] });
    const [row] = ok(await core.api.invoke('backups.list', { destinationId })).items;
    expect(row?.verification).toMatchObject({ result: 'failed', seconds: { boot: null }, guestAgent: { state: 'no answer' } });
    expect(row?.verification?.console).toEqual(['SeaBIOS (version 1.16)', 'Booting from Hard Disk...', '[line withheld: it may hold a secret]', 'Kernel panic - not syncing: VFS: Unable to mount root fs']);
  });

  it('creates nothing when the pre-flight finds a blocker in the sandbox, and keeps no evidence', async () => {
    const { backupId, destinationId } = await restorePoint();
    cloud.quotas.set('p-admin', { instances: 0 });
    const { jobId } = ok(await core.api.invoke('restore.verify', { backupId, sandboxProjectId: 'p-admin' }));
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/^The boot check was not started \(nothing was created\): Quota: instances: /);
    expect(cloud.requests.filter((q) => q.method === 'POST' && /\/(servers|volumes)$/.test(q.path))).toEqual([]);
    const [row] = ok(await core.api.invoke('backups.list', { destinationId })).items;
    expect(row?.verification ?? null).toBeNull();
  });

  it('removes what it created when cancelled mid-restore', async () => {
    const { backupId } = await restorePoint();
    let release!: () => void;
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    gate = () => {
      reached();
      return new Promise<void>((r) => (release = r));
    };
    const { jobId } = ok(await core.api.invoke('restore.verify', { backupId, sandboxProjectId: 'p-admin' }));
    await atGate;
    // the data volume is being written
    expect(leftInSandbox().volumes).toHaveLength(1);
    ok(await core.api.invoke('jobs.cancel', { id: jobId }));
    release();
    await core.jobs.whenIdle();
    const job = core.jobs.get(jobId);
    expect(job.state).toBe('cancelled');
    expect(leftInSandbox()).toEqual({ servers: [], volumes: [] });
    expect(ok(await core.api.invoke('jobs.getLog', { id: jobId })).items.map((l) => l.message)).toContainEqual(expect.stringMatching(/^Removed the volume bsk-verify-demo-web-1-.*-vdb/));
  });
});
