import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savedAsEdit, type ProviderView } from '../../shared/domain/providers';
import type { InputOf } from '../../shared/ipc/contract';
import { ProvidersTable } from '../catalog';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { cloudIdentity } from '../services/providers/cloud-identity';
import { writeInstanceRestorePoint } from '../services/restore/testing';
import type { Core } from './create-core';
import { MOCK_ADMIN, ok, openTestCore, type TestCore } from './testing';

// Editing a saved cloud through the contract, against the MockAgent cloud (its internal endpoints
// and application credentials); removing one keeps its restore points in the catalog.
let t: TestCore;
let core: Core;
let cloud: MockCloud;
beforeEach(() => {
  cloud = standardCloud();
  ({ core } = t = openTestCore('backstack-providers-edit-', { openstackDispatcher: cloud.agent }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

type Provider = InputOf<'providers.add'>['provider'];
const admin = (): Provider => ({
  name: 'mock',
  authUrl: cloud.authUrl,
  authDomains: [MOCK_ADMIN],
});
/** The saved cloud as an edit sends it back (savedAsEdit): every field, secrets left out ("stored — leave empty to keep"). */
const asEdit = async (idOrName: string, change: Partial<Provider> = {}): Promise<Provider> => {
  const p = ok(await core.api.invoke('providers.list', {})).items.find((x) => x.id === idOrName || x.name === idOrName)!;
  return { ...savedAsEdit(p), ...change };
};
const tokenRequests = () => cloud.requestsTo(/\/v3\/auth\/tokens/);
const setAdminPassword = (pw: string) => (cloud.users.find((u) => u.name === 'admin')!.password = pw);

describe('editing a cloud', () => {
  it('keeps the stored password when the field is left empty, and tests with it before saving', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const edit = await asEdit('mock', { endpointInterface: 'internal' });
    const test = ok(await core.api.invoke('providers.test', { id: saved.id, provider: edit }));
    expect(test.ok).toBe(true);
    expect(test.services.find((s) => s.type === 'compute')?.endpoint).toContain('-internal.test');
    const before = tokenRequests().length;
    const updated = ok(await core.api.invoke('providers.update', { id: saved.id, provider: edit }));
    expect(tokenRequests().length).toBeGreaterThan(before);
    expect(updated).toMatchObject({
      id: saved.id,
      endpointInterface: 'internal',
      authDomains: [{ id: saved.authDomains[0]!.id, authKind: 'password' }],
    });
    // The stored password still logs in: the re-test uses nothing but what the catalog holds.
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(true);
    expect(JSON.stringify(ok(await core.api.invoke('providers.list', {})))).not.toContain('admin-pass');
  });

  it('replaces the stored password when a new one is given', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    setAdminPassword('rotated-pass');
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(false);
    const edit = await asEdit('mock');
    edit.authDomains[0]!.password = 'rotated-pass';
    ok(await core.api.invoke('providers.update', { id: saved.id, provider: edit }));
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(true);
  });

  it('switches an authentication domain to an application credential', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const edit = await asEdit('mock', {
      authDomains: [{ id: saved.authDomains[0]!.id, name: 'Default', userName: 'demo', applicationCredential: { id: 'ac-1', secret: 'ac-secret' } }],
    });
    const updated = ok(await core.api.invoke('providers.update', { id: saved.id, provider: edit }));
    expect(updated.authDomains).toMatchObject([{ id: saved.authDomains[0]!.id, userName: 'demo', authKind: 'application-credential' }]);
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(true);
    expect(JSON.stringify(ok(await core.api.invoke('providers.list', {})))).not.toContain('ac-secret');
  });

  it('refuses an edit whose test fails, and changes nothing', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const wrongRegion = await core.api.invoke('providers.update', { id: saved.id, provider: await asEdit('mock', { region: 'Nowhere' }) });
    expect(wrongRegion.ok).toBe(false);
    const wrongPassword = await asEdit('mock', { endpointInterface: 'admin' });
    wrongPassword.authDomains[0]!.password = 'not-it';
    const r = await core.api.invoke('providers.update', { id: saved.id, provider: wrongPassword });
    expect(r.ok === false && r.error.code).toBe('auth.failed');
    expect(ok(await core.api.invoke('providers.list', {})).items).toEqual([saved]);
    // The wrong password was not stored over the right one.
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(true);
  });

  it('keeps the id, so the inventory and restore points stay attached', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const { jobId } = ok(await core.api.invoke('inventory.startSync', { providerId: saved.id }));
    await core.jobs.whenIdle();
    expect(core.jobs.get(jobId).state).toBe('succeeded');
    const synced = ok(await core.api.invoke('providers.list', {})).items[0]!;
    expect(synced.lastSyncAt).not.toBeNull();
    const restorePoint = await indexRestorePoint(saved);
    const instances = ok(await core.api.invoke('inventory.listInstances', { providerId: saved.id })).items.length;
    expect(instances).toBeGreaterThan(0);

    const renamed = ok(
      await core.api.invoke('providers.update', {
        id: saved.id,
        provider: await asEdit('mock', { name: 'production', endpointInterface: 'internal' }),
      }),
    );
    expect(renamed).toMatchObject({ id: saved.id, name: 'production', createdAt: saved.createdAt, lastSyncAt: synced.lastSyncAt });
    expect(ok(await core.api.invoke('inventory.listInstances', { providerId: saved.id })).items).toHaveLength(instances);
    expect(ok(await core.api.invoke('hypervisors.list', { providerId: 'production' })).items).toHaveLength(2);
    expect(ok(await core.api.invoke('backups.list', { providerId: saved.id })).items.map((b) => b.id)).toEqual([restorePoint]);
  });

  it('sends a stored password only to the Keystone host it was saved for', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const before = tokenRequests().length;
    const moved = await asEdit('mock', { authUrl: 'http://keystone.elsewhere.test:5000/v3' });
    const r = await core.api.invoke('providers.test', { id: saved.id, provider: moved });
    expect(r.ok === false && r.error).toMatchObject({
      code: 'validation.invalidInput',
      message: expect.stringContaining('enter the password of admin in domain Default again'),
    });
    expect(tokenRequests().length).toBe(before);
  });

  it("refuses another cloud's name, Keystone and region, or authentication domain", async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const otherUrl = 'http://keystone.other.test:5000/v3';
    new ProvidersTable(core.catalog.db).save({ ...saved, id: 'other-id', name: 'other', authUrl: otherUrl, pinned: null, authDomains: [] });
    const sameName = await core.api.invoke('providers.update', { id: saved.id, provider: await asEdit('mock', { name: 'other' }) });
    expect(sameName.ok === false && sameName.error.code).toBe('resource.conflict');
    const twin = await core.api.invoke('providers.update', { id: saved.id, provider: await asEdit('mock', { authUrl: otherUrl }) });
    expect(twin.ok === false && twin.error.message).toMatch(/"other" already connects to/);
    const foreign = await core.api.invoke('providers.update', {
      id: saved.id,
      provider: await asEdit('mock', { authDomains: [{ id: 'not-this-clouds', name: 'Default', userName: 'admin' }] }),
    });
    expect(foreign.ok === false && foreign.error.message).toMatch(/no longer part of the cloud "mock"/);
    expect(ok(await core.api.invoke('providers.list', {})).items.find((p) => p.id === saved.id)).toEqual(saved);
  });
});

describe('removing a cloud', () => {
  it('keeps its restore points in the catalog (and their destinations), only the cloud and its secrets go', async () => {
    const saved = ok(await core.api.invoke('providers.add', { provider: admin() }));
    const restorePoint = await indexRestorePoint(saved);
    ok(await core.api.invoke('providers.remove', { id: saved.id }));
    expect(ok(await core.api.invoke('providers.list', {})).items).toEqual([]);
    expect(ok(await core.api.invoke('backups.list', { providerId: saved.id })).items.map((b) => b.id)).toEqual([restorePoint]);
    expect(core.catalog.db.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
    // Restoring it as an instance needs its cloud: said at once, with the cloud to add and what still works, instead of a failed job.
    const restore = await core.api.invoke('restore.start', { backupId: restorePoint });
    expect(restore.ok === false && restore.error.message).toMatch(
      /The cloud that demo-web-1 was backed up from is not in Backstack .* Add it under Clouds with Keystone URL http:\/\/\S+ and region RegionOne .* backstack destination folder disk-restore/,
    );
    expect(ok(await core.api.invoke('jobs.list', {})).items).toEqual([]);
  });
});

/** demo-web-1's restore point, written as the backup job writes it (the job itself runs in the lab) and indexed. */
async function indexRestorePoint(provider: ProviderView): Promise<string> {
  const dest = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(t.dir, 'dest') })).destination;
  const image = path.join(t.dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(4096, 'backstack '));
  const client = adminClient(cloud);
  try {
    const m = await core.services.destinations.withOpen(dest.id, (repo) =>
      writeInstanceRestorePoint(repo, client, { providerId: provider.id, image, cloud: cloudIdentity(provider) }),
    );
    await core.services.destinations.reindex(dest.id);
    return m.id;
  } finally {
    await client.close();
  }
}
