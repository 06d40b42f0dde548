import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource } from '../engine';
import type { Core } from './create-core';
import { ok, openTestCore, type TestCore } from './testing';

let t: TestCore;
let dir: string;
let core: Core;
beforeEach(() => ({ core, dir } = t = openTestCore('backstack-destinations-')));
afterEach(() => t.close());

/** Two backups of a small disk written straight through the engine, as a strategy would. */
async function twoBackups(destinationId: string) {
  const img = path.join(dir, 'disk.img');
  fs.writeFileSync(img, Buffer.alloc(3 * 1024 * 1024, 'backstack '));
  const repo = await core.services.destinations.open(destinationId);
  try {
    await backupDisk(repo, { group: 'inst-1', name: 'vda', source: fileSource(img) });
    fs.writeFileSync(img, Buffer.alloc(3 * 1024 * 1024, 'changed!! '));
    await backupDisk(repo, { group: 'inst-1', name: 'vda', source: fileSource(img) });
  } finally {
    await repo.close();
  }
}

describe('backup destinations', () => {
  it('creates an encrypted destination, shows its recovery key once, and opens it unattended afterwards', async () => {
    const created = ok(
      await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo'), passphrase: 'correct horse battery' }),
    );
    expect(created.destination).toMatchObject({ name: 'local', encrypted: true, isDefault: true });
    expect(created.recoveryKey).toMatch(/\S{20,}/);
    // The passphrase is sealed in the catalog, never readable from it in clear.
    const raw = fs.readFileSync(path.join(dir, 'home', 'catalog.sqlite'));
    expect(raw.includes(Buffer.from('correct horse battery'))).toBe(false);
    await twoBackups(created.destination.id);
    const stats = ok(await core.api.invoke('destinations.getStats', { id: created.destination.id }));
    expect(stats.backups).toBe(2);
    expect(stats.reductionRatio).toBeGreaterThan(1);
  });

  it('refuses to add an existing destination with a wrong passphrase, and changes nothing', async () => {
    ok(await core.api.invoke('destinations.create', { name: 'a', path: path.join(dir, 'repo'), passphrase: 'correct horse battery' }));
    ok(await core.api.invoke('destinations.remove', { id: 'a' }));
    const r = await core.api.invoke('destinations.add', { name: 'b', path: path.join(dir, 'repo'), passphrase: 'wrong one' });
    expect(r.ok === false && r.error.code).toBe('destination.wrongPassphrase');
    expect(ok(await core.api.invoke('destinations.list', {})).items).toEqual([]);
  });

  it('adds an existing destination and indexes its restore points from the manifests', async () => {
    const first = ok(await core.api.invoke('destinations.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(first.destination.id);
    ok(await core.api.invoke('destinations.remove', { id: 'a' }));
    expect(core.services.backups.list({})).toEqual([]);
    const added = ok(await core.api.invoke('destinations.add', { name: 'again', path: path.join(dir, 'repo') }));
    expect(core.services.backups.list({ destinationId: added.id }).map((b) => b.resourceId)).toEqual(['inst-1', 'inst-1']);
  });

  it('previews a prune with the reason for each decision, then prunes, verifies and collects garbage as jobs', async () => {
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(destination.id);
    const preview = ok(await core.api.invoke('destinations.previewPrune', { id: destination.id, keep: { last: 1 } }));
    expect(preview.kept).toHaveLength(1);
    expect(preview.removed).toHaveLength(1);
    expect(preview.groups[0]!.decisions.find((d) => d.keep)?.reasons.join(' ')).toMatch(/last/);
    expect(ok(await core.api.invoke('destinations.getStats', { id: destination.id })).backups).toBe(2);

    const jobIds = [
      ok(await core.api.invoke('destinations.startPrune', { id: destination.id, keep: { last: 1 } })).jobId,
      ok(await core.api.invoke('destinations.startGc', { id: destination.id })).jobId,
      ok(await core.api.invoke('destinations.startVerify', { id: destination.id })).jobId,
    ];
    await core.jobs.whenIdle();
    // Run side by side (prune and GC beside verify): each must succeed, and a failure names its reason.
    expect(jobIds.map((id) => [core.jobs.get(id).state, core.jobs.get(id).error?.message ?? null])).toEqual([
      ['succeeded', null],
      ['succeeded', null],
      ['succeeded', null],
    ]);
    expect(ok(await core.api.invoke('destinations.getStats', { id: destination.id })).backups).toBe(1);
  });

  it('keeps a restore point protected from pruning, on every workstation that adds the destination', async () => {
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(destination.id);
    ok(await core.api.invoke('destinations.startReindex', { id: destination.id }));
    await core.jobs.whenIdle();
    const [newest, oldest] = ok(await core.api.invoke('backups.list', { destinationId: destination.id })).items;
    const marked = ok(await core.api.invoke('backups.setProtected', { destinationId: destination.id, backupId: oldest!.id, protected: true }));
    expect(marked.protected).toBe(true);
    const preview = ok(await core.api.invoke('destinations.previewPrune', { id: destination.id, keep: { last: 1 } }));
    expect(preview.kept.sort()).toEqual([newest!.id, oldest!.id].sort());
    expect(preview.groups[0]!.decisions.find((d) => d.id === oldest!.id)?.reasons).toContain('protected from pruning');
    // The mark lives in the destination: forgotten and added again, the restore point is still protected.
    ok(await core.api.invoke('destinations.remove', { id: 'a' }));
    const again = ok(await core.api.invoke('destinations.add', { name: 'again', path: path.join(dir, 'repo') }));
    const listed = ok(await core.api.invoke('backups.list', { destinationId: again.id })).items;
    expect(listed.find((b) => b.id === oldest!.id)?.protected).toBe(true);
    ok(await core.api.invoke('backups.setProtected', { destinationId: again.id, backupId: oldest!.id, protected: false }));
    ok(await core.api.invoke('destinations.startPrune', { id: again.id, keep: { last: 1 } }));
    await core.jobs.whenIdle();
    expect(ok(await core.api.invoke('backups.list', { destinationId: again.id })).items.map((b) => b.id)).toEqual([newest!.id]);
    // Garbage collection says what it freed in words a person reads.
    const { jobId: gc } = ok(await core.api.invoke('destinations.startGc', { id: again.id }));
    await core.jobs.whenIdle();
    expect(core.jobs.get(gc).summary).toMatch(/^\d+ unused chunks removed \(\d+(\.\d)? (B|KiB|MiB) freed\)/);
  });

  it('refuses to restore a disk’s restore point as an instance, saying what restores it, before a job is queued', async () => {
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(destination.id);
    ok(await core.api.invoke('destinations.startReindex', { id: destination.id }));
    await core.jobs.whenIdle();
    const [newest] = ok(await core.api.invoke('backups.list', { destinationId: destination.id })).items;
    const before = ok(await core.api.invoke('jobs.list', {})).items.length;
    const r = await core.api.invoke('restore.start', { backupId: newest!.id });
    expect(r.ok === false && r.error.message).toMatch(/not a backup of an instance .* backstack destination folder disk-restore/);
    expect(ok(await core.api.invoke('jobs.list', {})).items).toHaveLength(before);
  });

  it('names an unreachable destination and what to do', async () => {
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'usb', path: path.join(dir, 'usb') }));
    fs.rmSync(path.join(dir, 'usb'), { recursive: true });
    const r = await core.api.invoke('destinations.getStats', { id: destination.id });
    expect(r.ok === false && r.error.message).toMatch(/not reachable: mount or reconnect it/);
  });
});

describe('garbage collection on its own schedule', () => {
  it('is weekly until changed; a due collection is queued once and runs; none while one is queued; off means only by hand', async () => {
    const { destination } = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo') }));
    expect(destination.gcSchedule).toMatchObject({ form: 'weekly', days: [0], at: '03:00' });
    expect(Date.parse(destination.nextGcAt!)).toBeGreaterThan(Date.now());
    await twoBackups(destination.id);
    ok(await core.api.invoke('destinations.startPrune', { id: 'local', keep: { last: 1 } }));
    await core.jobs.whenIdle();
    // Every minute, and the last one handled an hour ago: one is due now.
    const every = ok(
      await core.api.invoke('destinations.setGcSchedule', { id: 'local', schedule: { id: 'gc', form: 'cron', expression: '* * * * *', timeZone: 'UTC' } }),
    );
    expect(Date.parse(every.nextGcAt!) - Date.now()).toBeLessThanOrEqual(60_000);
    core.catalog.db.prepare('UPDATE destinations SET gc_last_due = ?').run(new Date(Date.now() - 3_600_000).toISOString());
    const said: string[] = [];
    const log = (_: string, m: string) => said.push(m);
    core.services.destinations.runDueGc(log);
    core.services.destinations.runDueGc(log); // the same due time: nothing more
    expect(said).toEqual([expect.stringMatching(/^Garbage collection of local queued by its schedule \(\d+ were due while no scheduler ran/)]);
    await core.jobs.whenIdle();
    const gcs = ok(await core.api.invoke('jobs.list', {})).items.filter((j) => j.kind === 'destination.gc');
    expect(gcs).toHaveLength(1);
    const [gc] = gcs;
    expect(gc).toMatchObject({ state: 'succeeded', summary: expect.stringMatching(/^\d+ unused chunks removed/) });

    // Turned off: nothing is queued however long it waits, and the card says so.
    const off = ok(await core.api.invoke('destinations.setGcSchedule', { id: 'local', schedule: null }));
    expect(off).toMatchObject({ gcSchedule: null, nextGcAt: null });
    core.catalog.db.prepare('UPDATE destinations SET gc_last_due = ?').run('2020-01-01T00:00:00Z');
    expect(core.services.destinations.runDueGc(log)).toBeNull();
    expect(said).toHaveLength(1);
  });
});
