import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { keyFileProtector } from '../lib/secret-box';
import { fakeRestoreHosts, writeInstanceRestorePoint, type FakeWrite } from '../services/restore/testing';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// A restore killed mid-way (the process gone, its job row still "running"): the next start marks
// the job interrupted and a clean-up job removes the server and volume it had created, found by
// the marks the restore put on them, and nothing else.
const MiB = 1024 * 1024;
let cloud: MockCloud;
let first: TestCore;
const written: FakeWrite[] = [];
let release: () => void = () => undefined;

beforeEach(() => {
  written.length = 0;
  cloud = standardCloud();
});
afterEach(async () => {
  release();
  await first.close();
  await cloud.close();
});

it('removes what an interrupted restore created when Backstack starts again', async () => {
  // The first process: the restore writes vdb into its new volume, builds the server, then hangs writing vda.
  const hang = new Promise<void>((resolve) => (release = resolve));
  first = openTestCore('backstack-restore-cleanup-', {
    openstackDispatcher: cloud.agent,
    openstackClock: cloud.clock,
    restoreHosts: fakeRestoreHosts(written, () => (written.length === 2 ? hang : Promise.resolve())),
  });
  const core = first.core;
  const providerId = await addMockCloud(core, cloud.authUrl);
  const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(first.dir, 'repo') }));
  const image = path.join(first.dir, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(MiB, 'backstack '));
  const client = adminClient(cloud);
  const repo = await core.services.destinations.open(destination.id);
  const backupId = (await writeInstanceRestorePoint(repo, client, { providerId, image })).id;
  await repo.close();
  await client.close();
  await core.services.destinations.reindex(destination.id);
  // Someone else's server in the same project, made the same minute: never touched
  const others = cloud.servers.length;

  const { jobId } = ok(await core.api.invoke('restore.start', { backupId, name: 'web-killed', projectId: 'p-admin', keypair: 'admin-key' }));
  await expect.poll(() => written.length).toBe(2);
  const made = cloud.servers.find((s) => s.name === 'web-killed')!;
  expect(made.metadata).toMatchObject({ backstack_job: jobId });
  expect(cloud.volumes.filter((v) => (v.metadata as Record<string, string>).backstack_job === jobId)).toHaveLength(1);

  // The process is "killed": its job row names an owner that no longer runs.
  core.catalog.db.prepare('UPDATE jobs SET owner = ? WHERE id = ?').run('999999:gone', jobId);
  const home = path.join(first.dir, 'home');
  const second = openTestCore('backstack-restore-cleanup-2-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock, dataDir: home, keyProtector: keyFileProtector(home) });
  try {
    expect(second.core.jobs.get(jobId).state).toBe('interrupted');
    await second.core.jobs.whenIdle();
    const cleanup = ok(await second.core.api.invoke('jobs.list', {})).items.find((j) => j.kind === 'restore.cleanup')!;
    expect(cleanup).toMatchObject({ state: 'succeeded', summary: 'Removed server web-killed, volume web-killed-vdb.' });
    expect(cloud.servers.some((s) => s.name === 'web-killed')).toBe(false);
    expect(cloud.volumes.some((v) => (v.metadata as Record<string, string>).backstack_job === jobId)).toBe(false);
    expect(cloud.servers).toHaveLength(others);
  } finally {
    await second.close();
  }
});
