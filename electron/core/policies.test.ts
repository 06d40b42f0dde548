import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, failure, ok, openTestCore, type TestCore } from './testing';

// Policies through the contract against the MockAgent cloud: rules assign members on sync,
// conflicts are named, a run backs up what it can and says why not for the rest.
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
let providerId: string;
beforeEach(async () => {
  cloud = standardCloud();
  ({ core, dir } = t = openTestCore('backstack-policies-', { openstackDispatcher: cloud.agent }));
  providerId = await addMockCloud(core, cloud.authUrl, { sync: false });
  ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
  await sync();
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

async function sync(): Promise<string[]> {
  const { jobId } = ok(await core.api.invoke('inventory.startSync', { providerId }));
  await core.jobs.whenIdle();
  return ok(await core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
}
const memberNames = async (id: string) => ok(await core.api.invoke('policies.get', { id })).memberList.map((m) => m.instanceName);

describe('policies', () => {
  it('preview exactly what the rules match, and refuse a bad regular expression naming the field', async () => {
    const spec = { name: 'demo', destination: 'local', rules: { includeNames: ['^demo-'], excludeNames: ['bfv'] } };
    const preview = ok(await core.api.invoke('policies.preview', { spec }));
    expect(preview.matches.map((m) => m.name)).toEqual(['demo-web-1']);
    const bad = failure(await core.api.invoke('policies.preview', { spec: { ...spec, rules: { includeNames: ['demo-(['] } } }));
    expect(bad?.code).toBe('validation.invalidInput');
    expect(bad?.message).toMatch(/Not a valid regular expression: \/demo-\(\[\/u: Unterminated character class[\s\S]*spec\.rules\.includeNames\[0\]/);
  });

  it('assign by tag on each sync, and let go of an instance whose tag was removed (assign and remove)', async () => {
    const p = ok(await core.api.invoke('policies.create', { spec: { name: 'web', destination: 'local', rules: { tags: ['web'] }, autoAssign: 'assign-remove' } }));
    expect(p.members).toBe(1); // on save, over the inventory as last synced
    expect(await memberNames(p.id)).toEqual(['demo-web-1']);
    const acme = cloud.servers.find((s) => s.id === 's-app') as { tags: string[] };
    acme.tags = ['prod', 'web']; // tagged in the cloud: the next sync assigns it
    expect((await sync()).join('\n')).toMatch(/Policy web: 1 instance\(s\) assigned; 2 member\(s\)\./);
    expect(await memberNames(p.id)).toEqual(['acme-app-1', 'demo-web-1']);
    const web = cloud.servers.find((s) => s.id === 's-web') as { tags: string[] };
    web.tags = ['backup-daily'];
    expect((await sync()).join('\n')).toMatch(/1 removed \(demo-web-1\) as they no longer match/);
    expect(await memberNames(p.id)).toEqual(['acme-app-1']);
  });

  it('keep an instance in one policy: another policy’s rules show a conflict, a hand assignment is refused by name', async () => {
    const gold = ok(await core.api.invoke('policies.create', { spec: { name: 'gold', destination: 'local', rules: { tags: ['web'] }, autoAssign: 'assign', priority: 10 } }));
    await sync();
    const spec = { name: 'demo', destination: 'local', rules: { includeNames: ['^demo-'] }, autoAssign: 'assign' as const };
    const preview = ok(await core.api.invoke('policies.preview', { spec }));
    expect(preview.matches.map((m) => m.name)).toEqual(['demo-bfv-1']);
    expect(preview.conflicts.map((c) => [c.name, c.policyName])).toEqual([['demo-web-1', 'gold']]);
    const demo = ok(await core.api.invoke('policies.create', { spec }));
    const refused = failure(await core.api.invoke('policies.assign', { id: demo.id, instances: [{ providerId, instanceId: 's-web' }] }));
    expect(refused?.message).toBe('demo-web-1 belongs to policy "gold": an instance belongs to one policy at most. Remove it from that policy first.');
    expect(await memberNames(gold.id)).toEqual(['demo-web-1']);
    // the inventory's instance table names each instance's policy
    const rows = ok(await core.api.invoke('inventory.listInstances', { providerId })).items;
    expect(Object.fromEntries(rows.map((r) => [r.name, r.policyName]))).toEqual({ 'acme-app-1': null, 'demo-bfv-1': 'demo', 'demo-web-1': 'gold' });
  });

  it('run every member now, naming those that cannot be backed up and why', async () => {
    const p = ok(await core.api.invoke('policies.create', { spec: { name: 'all-demo', destination: 'local', rules: { projects: ['demo'] }, retention: { last: 3 } } }));
    ok(await core.api.invoke('policies.assign', { id: p.id, projects: [{ providerId, project: 'demo' }] }));
    expect(await memberNames(p.id)).toEqual(['demo-bfv-1', 'demo-web-1']);
    ok(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: 'compute-1.example.org', address: '127.0.0.1', port: 1, user: 'root', password: 'x' }));
    Object.assign(cloud.servers.find((s) => s.id === 's-bfv')!, { 'OS-EXT-SRV-ATTR:host': 'compute-2', 'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute-2.example.org' });
    await sync();
    const run = ok(await core.api.invoke('policies.run', { id: 'all-demo', backupType: 'full' }));
    expect(run.skipped).toEqual([{ name: 'demo-bfv-1', reason: expect.stringMatching(/^No SSH settings for the hypervisor compute-2/) }]);
    expect(run.jobIds).toHaveLength(1);
    expect(core.jobs.get(run.jobIds[0]!).target).toBe('instance demo-web-1 (mock)');
    core.jobs.cancel(run.jobIds[0]!);
    await core.jobs.whenIdle();
  });

  it('backs its members up with the strategy it names, whatever the cloud is set to', async () => {
    const p = ok(await core.api.invoke('policies.create', { spec: { name: 'by-proxy', destination: 'local', rules: { projects: ['demo'] }, strategy: 'disk-attachment' } }));
    ok(await core.api.invoke('policies.assign', { id: p.id, projects: [{ providerId, project: 'demo' }] }));
    const refused = ok(await core.api.invoke('policies.run', { id: p.id }));
    expect(refused.jobIds).toEqual([]);
    expect(refused.skipped.map((x) => x.reason)).toEqual([expect.stringMatching(/mock has no proxy VM/), expect.stringMatching(/mock has no proxy VM/)]);
    ok(await core.api.invoke('proxies.add', { providerId, server: 'demo-web-1', address: '127.0.0.1', port: 1, user: 'root', password: 'x' }));
    const run = ok(await core.api.invoke('policies.run', { id: p.id }));
    expect(run.jobIds).toHaveLength(2);
    await core.jobs.whenIdle();
    const log = ok(await core.api.invoke('jobs.getLog', { id: run.jobIds[0]! })).items.map((e) => e.message);
    expect(log[0]).toMatch(/^Strategy: disk attachment \(Cinder volumes read on a proxy VM\), as asked for this backup \(mock is set to libvirt/);
  });

  it('say so when a policy’s destination is gone, in the list and when it runs', async () => {
    ok(await core.api.invoke('destinations.create', { name: 'spare', path: path.join(dir, 'spare') }));
    const p = ok(await core.api.invoke('policies.create', { spec: { name: 'x', destination: 'spare', rules: { tags: ['web'] } } }));
    ok(await core.api.invoke('destinations.remove', { id: 'spare' }));
    expect(ok(await core.api.invoke('policies.list', {})).items[0]).toMatchObject({ id: p.id, destinationName: null });
    expect(failure(await core.api.invoke('policies.run', { id: p.id }))?.code).toBe('resource.notFound');
  });

  it('simulate what schedules and retention leave, without writing anything', async () => {
    const sim = ok(await core.api.invoke('policies.simulate', { schedules: [{ id: 'daily', form: 'daily', at: '01:00' }], retention: { last: 3 }, days: 10 }));
    expect(sim.taken).toBeGreaterThanOrEqual(9);
    expect(sim.kept).toHaveLength(3);
    expect(ok(await core.api.invoke('backups.list', {})).items).toEqual([]);
  });
});
