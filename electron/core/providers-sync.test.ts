import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InputOf } from '../../shared/ipc/contract';
import { standardCloud } from '../openstack/testing/fixtures';
import { ORIGINS, type MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { MOCK_ADMIN, ok, openTestCore, type TestCore } from './testing';

// Adding a cloud and syncing it through the contract, against the MockAgent cloud (faults and
// exact request counts the lab cannot give); e2e/lab/tests/inventory-sync.test.ts does the same
// against the real lab.
let t: TestCore;
let core: Core;
let cloud: MockCloud;
beforeEach(() => {
  cloud = standardCloud();
  ({ core } = t = openTestCore('backstack-providers-', { openstackDispatcher: cloud.agent }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});
const admin = (extra: Partial<InputOf<'providers.add'>['provider']> = {}): InputOf<'providers.add'>['provider'] => ({
  name: 'mock',
  authUrl: cloud.authUrl,
  authDomains: [MOCK_ADMIN],
  ...extra,
});

describe('adding a cloud', () => {
  it('tests every service before saving, and never returns the password', async () => {
    const test = ok(await core.api.invoke('providers.test', { provider: admin() }));
    expect(test.ok).toBe(true);
    expect(test.services.filter((s) => s.ok).map((s) => s.type)).toEqual(['identity', 'compute', 'block-storage', 'image', 'network']);
    expect(test.services.find((s) => s.type === 'compute')?.maxMicroversion).toBe('2.93');
    const p = ok(await core.api.invoke('providers.add', { provider: admin() }));
    expect(p).toMatchObject({ name: 'mock', strategy: 'libvirt-ssh', authDomains: [{ name: 'Default', userName: 'admin', authKind: 'password' }] });
    expect(JSON.stringify(ok(await core.api.invoke('providers.list', {})))).not.toContain('admin-pass');
    // The saved cloud is re-tested with its sealed password, over the same network as add.
    expect(ok(await core.api.invoke('providers.retest', { id: 'mock' })).ok).toBe(true);
  });

  it('saves nothing when a login fails, and says which', async () => {
    const r = await core.api.invoke('providers.add', { provider: admin({ authDomains: [{ name: 'Default', userName: 'admin', password: 'wrong' }] }) });
    expect(r.ok === false && r.error.code).toBe('auth.failed');
    expect(ok(await core.api.invoke('providers.list', {})).items).toEqual([]);
  });

  it('names the service, URL and interface the workstation cannot reach, while the login works', async () => {
    cloud.inject((r) => r.origin === ORIGINS.nova, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 10);
    const test = ok(await core.api.invoke('providers.test', { provider: admin() }));
    expect(test.ok).toBe(false);
    expect(test.authDomains.map((d) => d.ok)).toEqual([true]);
    const compute = test.services.find((s) => s.type === 'compute');
    expect(compute?.message).toMatch(/^The compute service \(nova\) at http:\/\/nova\.test:8774\/v2\.1 \(public interface\) cannot be reached .*choose the internal or admin interface/);
    expect(test.error).toEqual({ code: 'openstack.apiError', message: compute?.message });
  });

  it('enforces the authentication-domain rules at the contract, for every transport', async () => {
    const two = [
      { name: 'Default', userName: 'admin', password: 'admin-pass' },
      { name: 'acme', userName: 'acme-user', password: 'acme-user-pass' },
    ];
    const unscoped = await core.api.invoke('providers.add', { provider: admin({ authDomains: two }) });
    expect(unscoped.ok === false && unscoped.error).toMatchObject({ code: 'validation.invalidInput', message: expect.stringMatching(/Unscoped authorization uses one authentication domain/) });
    const twice = await core.api.invoke('providers.test', { provider: admin({ scoped: true, authDomains: [two[0]!, two[0]!] }) });
    expect(twice.ok === false && twice.error.message).toMatch(/each authentication domain names a different domain/);
    const strategy = await core.dispatch('providers.add', { provider: { ...admin(), strategy: 'snapshot-magic' } });
    expect(strategy.ok === false && strategy.error.code).toBe('validation.invalidInput');
    // Nothing reached the cloud for refused input.
    expect(cloud.requestsTo(/\/v3\/auth\/tokens/)).toHaveLength(0);
  });

  it('refuses a second cloud of the same name, or of the same Keystone and region', async () => {
    ok(await core.api.invoke('providers.add', { provider: admin() }));
    const sameName = await core.api.invoke('providers.add', { provider: admin({ region: 'Other' }) });
    expect(sameName.ok === false && sameName.error.code).toBe('resource.conflict');
    const twin = await core.api.invoke('providers.add', { provider: admin({ name: 'again' }) });
    expect(twin.ok === false && twin.error.message).toMatch(/add one provider per region/);
  });
});

describe('syncing a cloud', () => {
  const sync = async (providerId: string) => {
    const { jobId } = ok(await core.api.invoke('inventory.startSync', { providerId }));
    await core.jobs.whenIdle();
    return core.jobs.get(jobId);
  };

  it('stores what the cloud has, serves the tree level by level, and marks what vanished', async () => {
    const p = ok(await core.api.invoke('providers.add', { provider: admin() }));
    expect((await sync(p.id)).state).toBe('succeeded');
    const domains = ok(await core.api.invoke('inventory.listChildren', { providerId: p.id, parent: { kind: 'provider' } })).items;
    expect(domains.map((d) => [d.name, d.count])).toEqual([
      ['Default', 2],
      ['acme', 2],
    ]);
    const projects = ok(await core.api.invoke('inventory.listChildren', { providerId: p.id, parent: { kind: 'domain', id: 'default' } })).items;
    expect(projects.map((x) => [x.name, x.count])).toEqual([
      ['admin', 0],
      ['demo', 2],
    ]);
    const servers = ok(await core.api.invoke('inventory.listChildren', { providerId: p.id, parent: { kind: 'project', id: 'p-demo' } })).items;
    expect(servers.map((s) => [s.kind, s.name, s.status])).toEqual([
      ['instance', 'demo-bfv-1', 'ACTIVE'],
      ['instance', 'demo-web-1', 'ACTIVE'],
    ]);
    const acme = ok(await core.api.invoke('inventory.listInstances', { providerId: p.id, domainId: 'd-acme' })).items;
    expect(acme.map((i) => [i.name, i.providerName, i.host])).toEqual([['acme-app-1', 'mock', 'compute-2']]);
    expect(ok(await core.api.invoke('hypervisors.list', { providerId: 'mock' })).items.map((h) => h.hostname).sort()).toEqual([
      'compute-1.example.org',
      'compute-2.example.org',
    ]);

    // The server is deleted in the cloud: the next sync keeps it, marked, instead of dropping it.
    cloud.servers.splice(cloud.servers.findIndex((s) => s.id === 's-app'), 1);
    expect((await sync(p.id)).state).toBe('succeeded');
    expect(ok(await core.api.invoke('inventory.listInstances', { providerId: p.id })).items.map((i) => i.id)).not.toContain('s-app');
    const gone = ok(await core.api.invoke('inventory.listInstances', { providerId: p.id, includeVanished: true })).items.find((i) => i.id === 's-app');
    expect(gone?.vanishedAt).toEqual(expect.any(String));
    const tree = ok(await core.api.invoke('inventory.listChildren', { providerId: p.id, parent: { kind: 'domain', id: 'd-acme' } })).items;
    expect(tree.find((x) => x.id === 'p-prod')?.count).toBe(0);
  });

  it('records a failed sync on the cloud, with the reason', async () => {
    const p = ok(await core.api.invoke('providers.add', { provider: admin() }));
    cloud.inject((r) => r.path.includes('/servers/detail'), { status: 403, body: { forbidden: { code: 403, message: 'Policy does not allow this' } } }, 10);
    const job = await sync(p.id);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('auth.forbidden');
    expect(ok(await core.api.invoke('providers.list', {})).items[0]?.lastSyncError).toMatch(/Policy does not allow this/);
  });
});
