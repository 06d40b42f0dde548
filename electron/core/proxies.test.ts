import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, failure, ok, openTestCore, type TestCore } from './testing';

// Proxy VMs of the disk-attachment strategy through the contract: found in Nova by name, the
// secret never shown, one per instance, chosen by availability zone, refused without a jump
// host's SSH settings. Reaching a real proxy is the lab's part (e2e/lab/tests/disk-attachment).
let t: TestCore;
let core: Core;
let cloud: MockCloud;
beforeEach(async () => {
  cloud = standardCloud();
  ({ core } = t = openTestCore('backstack-proxies-', { openstackDispatcher: cloud.agent }));
  await addMockCloud(core, cloud.authUrl);
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

const add = (server: string, extra: Record<string, unknown> = {}) =>
  core.api.invoke('proxies.add', { providerId: 'mock', server, address: '192.0.2.50', user: 'debian', password: 'proxy-secret', ...extra });

describe('proxy VMs', () => {
  it('are found in Nova by name, listed without their secret, and the one in the instance zone serves it', async () => {
    const web = ok(await add('demo-web-1'));
    const app = ok(await add('acme-app-1', { port: 2222 }));
    expect(web).toMatchObject({ serverId: 's-web', availabilityZone: 'nova', auth: 'password', hostKey: null, viaHypervisor: null });
    expect(app).toMatchObject({ serverId: 's-app', availabilityZone: 'raw', port: 2222 });
    const listed = ok(await core.api.invoke('proxies.list', { providerId: 'mock' })).items;
    expect(listed.map((p) => p.serverName)).toEqual(['demo-web-1', 'acme-app-1']);
    expect(JSON.stringify(listed)).not.toContain('proxy-secret');
    expect(core.services.proxies.forZone(web.providerId, 'raw').serverName).toBe('acme-app-1');
    expect(core.services.proxies.forZone(web.providerId, 'elsewhere').serverName).toBe('demo-web-1');
  });

  it('refuse an instance twice, an unknown name, and a jump host without SSH settings, each saying why', async () => {
    ok(await add('demo-web-1'));
    expect(failure(await add('demo-web-1'))?.message).toBe('demo-web-1 is a proxy of mock already.');
    expect(failure(await add('no-such-vm'))?.message).toMatch(/No instance named no-such-vm in mock/);
    expect(failure(await add('acme-app-1', { viaHypervisor: 'compute-2.example.org' }))?.message).toMatch(/No SSH settings for the hypervisor compute-2.example.org/);
    expect(failure(await core.api.invoke('proxies.add', { providerId: 'mock', server: 'acme-app-1', address: 'a', user: 'u' }))?.code).toBe('validation.invalidInput');
  });

  it('are removed with their secret; a cloud without one refuses a disk-attachment backup up front', async () => {
    const p = ok(await add('demo-web-1'));
    ok(await core.api.invoke('proxies.remove', { id: p.id }));
    expect(ok(await core.api.invoke('proxies.list', { providerId: 'mock' })).items).toEqual([]);
    ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(t.dir, 'local') }));
    const refused = failure(await core.api.invoke('backups.start', { providerId: 'mock', instanceId: 's-web', strategy: 'disk-attachment' }));
    expect(refused?.message).toMatch(/^mock has no proxy VM, which the disk-attachment strategy reads volumes on\. Add one on the Clouds page/);
    expect(failure(await core.api.invoke('backups.startVolume', { providerId: 'mock', volumeId: 'v-data' }))?.message).toMatch(/mock has no proxy VM/);
  });
});
