import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import type { Core } from './create-core';
import { addMockCloud, failure, ok, openTestCore, type TestCore } from './testing';

// What `backups.start` checks before it queues a job, through the contract, against the
// MockAgent cloud: a backup that cannot run is refused with one message, not started and failed.
let t: TestCore;
let dir: string;
let core: Core;
let cloud: MockCloud;
beforeEach(() => {
  cloud = standardCloud();
  ({ core, dir } = t = openTestCore('backstack-backups-start-', { openstackDispatcher: cloud.agent }));
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

/** The mock cloud added and synced: its servers and hypervisors are in the inventory. */
const syncedCloud = (): Promise<string> => addMockCloud(core, cloud.authUrl);
const destination = async () => ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
const backupJobs = async () => ok(await core.api.invoke('jobs.list', {})).items.filter((j) => j.kind === 'backup.instance');

describe('starting a backup', () => {
  it('is refused at once when there is no destination yet, and says how to create one', async () => {
    const providerId = await syncedCloud();
    const e = failure(await core.api.invoke('backups.start', { providerId, instanceId: 's-web' }));
    expect(e?.message).toBe('No backup destination yet. Create one under Destinations, or: backstack destination create NAME DIR');
    expect(await backupJobs()).toEqual([]);
  });

  it('is refused at once when the instance’s hypervisor has no SSH settings, naming the host and where to set them', async () => {
    const providerId = await syncedCloud();
    await destination();
    const e = failure(await core.api.invoke('backups.start', { providerId, instanceId: 's-web' }));
    expect(e).toMatchObject({ code: 'validation.invalidInput' });
    expect(e?.message).toMatch(/^No SSH settings for the hypervisor compute-1\.example\.org\. Set them under Clouds → Hypervisors, or: backstack hypervisor ssh/);
    expect(await backupJobs()).toEqual([]);
  });

  it('is queued once the host has SSH settings, its target naming the instance and its cloud', async () => {
    const providerId = await syncedCloud();
    await destination();
    ok(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: 'compute-1.example.org', address: '127.0.0.1', port: 1, user: 'root', password: 'x' }));
    const { jobId } = ok(await core.api.invoke('backups.start', { providerId, instanceId: 's-web' }));
    expect(core.jobs.get(jobId).target).toBe('instance demo-web-1 (mock)');
    core.jobs.cancel(jobId);
    await core.jobs.whenIdle();
  });

  it('leaves an instance the inventory does not know to the job, which asks Nova', async () => {
    const providerId = await syncedCloud();
    await destination();
    const { jobId } = ok(await core.api.invoke('backups.start', { providerId, instanceId: 's-not-synced' }));
    expect(core.jobs.get(jobId).target).toBe('instance s-not-synced (mock)');
    core.jobs.cancel(jobId);
    await core.jobs.whenIdle();
  });
});
