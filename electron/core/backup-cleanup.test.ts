import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { keyFileProtector } from '../lib/secret-box';
import { createCore } from './create-core';
import { makeImage, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { addMockCloud, ok, openTestCore, type TestCore } from './testing';

// `backstack cleanup` (backups.cleanup): the temporary Glance images this installation's killed
// image-transfer jobs left are listed (dry run) and deleted; what is not such an image is never
// touched: another installation's, one kept on purpose, a user's snapshot that inherited our marks.
let cloud: MockCloud;
let t: TestCore;

beforeEach(() => {
  cloud = standardCloud();
  t = openTestCore('backstack-backup-cleanup-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock });
});
afterEach(async () => {
  await t.close();
  await cloud.close();
});

const marks = (installation: string, job: string, purpose: string) => ({ backstack_installation: installation, backstack_job: job, backstack_purpose: purpose });

it('lists, then deletes, only the leftovers of this installation whose job is gone', async () => {
  const providerId = await addMockCloud(t.core, cloud.authUrl);
  const me = ok(await t.core.api.invoke('app.getStatus', {})).installationId;
  const gone = '5eed0000-1111-4222-8333-444455556666';
  cloud.images.push(
    makeImage('img-left-backup', 'backstack-5eed0000-web-1', 'p-admin', 'private', { ...marks(me, gone, 'backup'), status: 'saving' }),
    makeImage('img-left-restore', 'backstack-5eed0000-web-1-restored', 'p-demo', 'private', marks(me, gone, 'restore')),
    makeImage('img-kept', 'backstack-5eed0000-web-2-restored', 'p-demo', 'private', marks(me, gone, 'kept')),
    makeImage('img-theirs', 'backstack-5eed0000-web-1', 'p-admin', 'private', marks('other0000000', gone, 'backup')),
    // a user's snapshot of a restored server: Nova copied the image's properties, not its name
    makeImage('img-users', 'web-1-before-upgrade', 'p-demo', 'private', marks(me, gone, 'restore')),
  );
  const images = () => cloud.images.map((i) => i.id).filter((id) => String(id).startsWith('img-left') || ['img-kept', 'img-theirs', 'img-users'].includes(String(id)));

  const dry = ok(await t.core.api.invoke('backups.cleanup', { providerId, dryRun: true }));
  await t.core.jobs.whenIdle();
  expect(t.core.jobs.get(dry.jobId)).toMatchObject({
    state: 'succeeded',
    summary: 'Would delete 2 leftover(s): image backstack-5eed0000-web-1 (img-left-backup), image backstack-5eed0000-web-1-restored (img-left-restore).',
  });
  expect(images()).toHaveLength(5);

  const real = ok(await t.core.api.invoke('backups.cleanup', { providerId, dryRun: false }));
  await t.core.jobs.whenIdle();
  expect(t.core.jobs.get(real.jobId).summary).toBe('Deleted 2 leftover(s): image backstack-5eed0000-web-1 (img-left-backup), image backstack-5eed0000-web-1-restored (img-left-restore).');
  expect(images().sort()).toEqual(['img-kept', 'img-theirs', 'img-users']);
  const log = ok(await t.core.api.invoke('jobs.getLog', { id: real.jobId })).items.map((e) => e.message);
  expect(log).toContain('Deleting the image backstack-5eed0000-web-1 (img-left-backup, saving) in mock, left by the backup job 5eed0000.');
});

it('names the cloud it cannot find', async () => {
  const r = await t.core.api.invoke('backups.cleanup', { providerId: 'no-such-cloud', dryRun: true });
  expect(r.ok).toBe(false);
});

it('at the next start, removes the image an image-transfer backup killed mid-way left', async () => {
  // The first process queued the backup and was killed while Nova made its image: the job row
  // says "running" for a process that is gone, the image carries the job's marks.
  const home = path.join(t.dir, 'home');
  await t.core.close();
  const first = createCore({ dataDir: home, runtime: 'cli', version: 't', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home), openstackDispatcher: cloud.agent, openstackClock: cloud.clock, runJobs: false });
  const providerId = await addMockCloud(first, cloud.authUrl, { sync: false });
  const me = ok(await first.api.invoke('app.getStatus', {})).installationId;
  ok(await first.api.invoke('destinations.create', { name: 'local', path: path.join(t.dir, 'repo') }));
  const { jobId } = ok(await first.api.invoke('backups.start', { providerId, instanceId: 's-app', strategy: 'image-transfer' }));
  cloud.images.push(makeImage('img-killed', `backstack-${jobId.slice(0, 8)}-acme-app-1`, 'p-admin', 'private', { ...marks(me, jobId, 'backup'), status: 'saving' }));
  await first.close();
  const db = new Database(path.join(home, 'catalog.sqlite'));
  db.prepare("UPDATE jobs SET state = 'running', owner = ? WHERE id = ?").run('999999:gone', jobId);
  db.close();

  t = { ...t, core: createCore({ dataDir: home, runtime: 'cli', version: 't', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home), openstackDispatcher: cloud.agent, openstackClock: cloud.clock }) };
  expect(t.core.jobs.get(jobId).state).toBe('interrupted');
  await t.core.jobs.whenIdle();
  const cleanup = ok(await t.core.api.invoke('jobs.list', {})).items.find((j) => j.kind === 'backup.cleanup')!;
  expect(cleanup).toMatchObject({ state: 'succeeded', summary: `Deleted 1 leftover(s): image backstack-${jobId.slice(0, 8)}-acme-app-1 (img-killed).` });
  expect(cloud.images.some((i) => i.id === 'img-killed')).toBe(false);
});
