import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderView } from '../../shared/domain/providers';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { cloudIdentity } from '../services/providers/cloud-identity';
import { fakeRestoreHosts, writeInstanceRestorePoint, type FakeWrite } from '../services/restore/testing';
import type { Core } from './create-core';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// Recovery without the catalog: a restore point made by one installation, its catalog then lost;
// a new installation on a fresh home adds the same destination folder and the same cloud (a new
// random id) and finds, lists and restores it by the cloud's Keystone URL and region.
const MiB = 1024 * 1024;
let cloud: MockCloud;
let folder: string;
const cores: TestCore[] = [];
const written: FakeWrite[] = [];

const open = (): Core => {
  const t = openTestCore('backstack-catalog-loss-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock, restoreHosts: fakeRestoreHosts(written) });
  cores.push(t);
  return t.core;
};
const addCloud = async (core: Core, name = 'mock'): Promise<ProviderView> => core.services.providers.get(await addMockCloud(core, cloud.authUrl, { name, sync: false }));

/** The first installation: the cloud, a destination, and demo-web-1's restore point as a backup job writes it. */
async function backedUpThenLost(o: { identity: boolean }): Promise<{ backupId: string; first: ProviderView }> {
  const core = open();
  const first = await addCloud(core);
  const backupId = await restorePointOf(core, first, o);
  // the workstation is lost: its catalog with it
  await cores.shift()!.close();
  return { backupId, first };
}

/** demo-web-1's restore point in a new destination (the folder), written as a backup job writes it, and indexed. */
async function restorePointOf(core: Core, provider: ProviderView, o: { identity: boolean }): Promise<string> {
  const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: folder }));
  const image = path.join(cores[0]!.dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(MiB, 'backstack '));
  const client = adminClient(cloud);
  try {
    const cloudOf = o.identity ? { cloud: cloudIdentity(provider) } : {};
    const m = await core.services.destinations.withOpen(destination.id, (repo) => writeInstanceRestorePoint(repo, client, { providerId: provider.id, image, ...cloudOf }));
    await core.services.destinations.reindex(destination.id);
    return m.id;
  } finally {
    await client.close();
  }
}

const lastBackupOfWeb = async (core: Core, providerId: string): Promise<string | null | undefined> => {
  ok(await core.api.invoke('inventory.startSync', { providerId }));
  await core.jobs.whenIdle();
  return ok(await core.api.invoke('inventory.listInstances', { providerId })).items.find((i) => i.id === 's-web')?.lastBackupAt;
};

async function restoresThroughNova(core: Core, backupId: string): Promise<void> {
  const { jobId } = ok(await core.api.invoke('restore.start', { backupId, name: 'web-back', projectId: 'p-admin', keypair: 'admin-key' }));
  await core.jobs.whenIdle();
  const job = core.jobs.get(jobId);
  expect(job.state, job.error?.message).toBe('succeeded');
  expect(job.summary).toMatch(/^Server web-back \(.+\) restored and ACTIVE\.$/);
  expect(written.map((w) => w.disk).sort()).toEqual(['vda', 'vdb']);
  expect(cloud.servers.some((s) => s.name === 'web-back')).toBe(true);
}

beforeEach(() => {
  written.length = 0;
  cloud = standardCloud();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-catalog-loss-folder-'));
});
afterEach(async () => {
  for (const t of cores.splice(0)) await t.close();
  await cloud.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('a cloud removed and added again in the same catalog', () => {
  it('finds its restore points under its new id', async () => {
    const core = open();
    const first = await addCloud(core);
    const backupId = await restorePointOf(core, first, { identity: true });
    ok(await core.api.invoke('providers.remove', { id: first.id }));
    const again = await addCloud(core);
    await core.jobs.whenIdle();
    expect(ok(await core.api.invoke('backups.list', { providerId: again.id })).items.map((b) => b.id)).toEqual([backupId]);
    await restoresThroughNova(core, backupId);
  });
});

describe('after the catalog is lost', () => {
  it('the destination, then the same cloud added again: the restore point is under its instance and restores', async () => {
    const { backupId, first } = await backedUpThenLost({ identity: true });
    const core = open();
    ok(await core.api.invoke('destinations.add', { name: 'found', path: folder }));
    const again = await addCloud(core, 'mock-again');
    expect(again.id).not.toBe(first.id);
    await core.jobs.whenIdle();

    expect(ok(await core.api.invoke('backups.list', { resourceId: 's-web', providerId: again.id })).items.map((b) => b.id)).toEqual([backupId]);
    expect(await lastBackupOfWeb(core, again.id)).toEqual(expect.any(String));
    await restoresThroughNova(core, backupId);
  });

  it('the cloud, then the destination: indexed under the cloud at once', async () => {
    const { backupId } = await backedUpThenLost({ identity: true });
    const core = open();
    const again = await addCloud(core);
    ok(await core.api.invoke('destinations.add', { name: 'found', path: folder }));
    expect(ok(await core.api.invoke('backups.list', { providerId: again.id })).items.map((b) => b.id)).toEqual([backupId]);
    expect(await lastBackupOfWeb(core, again.id)).toEqual(expect.any(String));
    await restoresThroughNova(core, backupId);
  });

  it('without the cloud: the restore is refused at once, naming the Keystone URL and region to add', async () => {
    const { backupId } = await backedUpThenLost({ identity: true });
    const core = open();
    ok(await core.api.invoke('destinations.add', { name: 'found', path: folder }));
    const r = await core.api.invoke('restore.start', { backupId });
    expect(r.ok).toBe(false);
    const { authUrl } = cloudIdentity({ authUrl: cloud.authUrl, region: 'RegionOne' });
    expect(!r.ok && r.error.message).toContain(`Add it under Clouds with Keystone URL ${authUrl} and region RegionOne`);
    expect(ok(await core.api.invoke('jobs.list', {})).items.filter((j) => j.kind === 'restore.instance')).toHaveLength(0);
  });

  it('a restore point made before clouds were recorded: refused with what to do, restored into a cloud named for it', async () => {
    const { backupId } = await backedUpThenLost({ identity: false });
    const core = open();
    ok(await core.api.invoke('destinations.add', { name: 'found', path: folder }));
    const again = await addCloud(core);
    await core.jobs.whenIdle();
    const refused = await core.api.invoke('restore.start', { backupId });
    expect(!refused.ok && refused.error.message).toMatch(/does not record its Keystone URL: add the cloud again and name it for the restore \(backstack restore run --provider NAME\)/);
    const unknown = await core.api.invoke('restore.start', { backupId, providerId: 'nowhere' });
    expect(!unknown.ok && unknown.error.message).toContain('No cloud named or with id "nowhere"');
    const { jobId } = ok(await core.api.invoke('restore.start', { backupId, providerId: again.name, name: 'web-back', projectId: 'p-admin', keypair: 'admin-key' }));
    await core.jobs.whenIdle();
    expect(core.jobs.get(jobId).state, core.jobs.get(jobId).error?.message).toBe('succeeded');
  });
});
