import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok, openTestCore, type TestCore } from './testing';
import { backUpImage, mkfsExt4, writeHostileNames, writeTree } from '../services/files/testing';

let cores: TestCore[] = [];
afterEach(async () => {
  for (const c of cores.reverse()) await c.close();
  cores = [];
});

const T_HOST = Date.UTC(2026, 10, 20, 8, 0, 0);

/**
 * A destination with three restore points of one instance's ext4 disk: /etc/hostname changes in
 * the second (and stays so in the third), the rest never changes. Each is indexed by its job.
 */
async function threeRestorePoints(opts: { passphrase?: string } = {}) {
  const tc = openTestCore('backstack-files-search-');
  cores.push(tc);
  const { core, dir } = tc;
  const dest = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'dest'), ...opts }));
  const tree = path.join(dir, 'tree');
  writeTree(tree);
  writeHostileNames(tree);
  const ids: string[] = [];
  for (const [host, at] of [['web-1\n', T_HOST], ['web-one\n', T_HOST + 3600_000], ['web-one\n', T_HOST + 3600_000]] as const) {
    fs.writeFileSync(path.join(tree, 'etc/hostname'), host);
    fs.utimesSync(path.join(tree, 'etc/hostname'), at / 1000, at / 1000);
    const image = path.join(dir, `disk-${ids.length}.img`);
    mkfsExt4(image, tree, 64);
    ids.push((await core.services.destinations.withOpen(dest.destination.id, (repo) => backUpImage(repo, image, 'vm-1'))).id);
  }
  await core.services.destinations.reindex(dest.destination.id);
  const { jobIds } = ok(await core.api.invoke('files.startIndex', { restorePoints: ids.map((backupId) => ({ backupId })) }));
  await core.jobs.whenIdle();
  for (const id of jobIds) expect(core.jobs.get(id)).toMatchObject({ state: 'succeeded', summary: expect.stringMatching(/^\d+ entries of 1 file system indexed\.$/) });
  return { tc, ids, destinationId: dest.destination.id, destDir: path.join(dir, 'dest') };
}

describe('search across restore points', () => {
  it('lists each path once with its versions side by side: changed in the restore point where it changed, the same where it did not', async () => {
    const { tc, ids } = await threeRestorePoints();
    const api = tc.core.api;
    const host = ok(await api.invoke('files.search', { pattern: 'hostname' }));
    expect(host).toMatchObject({ total: 1, truncated: false, restorePoints: 3, notIndexedCount: 0, unreadable: [] });
    expect(host.hits).toHaveLength(1);
    const [hit] = host.hits;
    expect(hit).toMatchObject({ instanceId: 'vm-1', disk: 'vda', volume: 'vda', partition: null, path: '/etc/hostname', name: 'hostname' });
    expect(hit!.versions.map((v) => ({ size: v.size, mtime: v.mtime, changed: v.changed, in: v.restorePoints.map((r) => r.backupId) }))).toEqual([
      { size: 6, mtime: new Date(T_HOST).toISOString(), changed: false, in: [ids[0]] },
      { size: 8, mtime: new Date(T_HOST + 3600_000).toISOString(), changed: true, in: [ids[1], ids[2]] },
    ]);
    // unchanged: one version held by all three
    const conf = ok(await api.invoke('files.search', { pattern: '/etc/nginx/*.conf', instanceId: 'vm-1' }));
    expect(conf.hits.map((h) => [h.path, h.versions.length, h.versions[0]!.restorePoints.length])).toEqual([['/etc/nginx/nginx.conf', 1, 3]]);
    // a limit lists the first paths and says how many matched
    const logs = ok(await api.invoke('files.search', { pattern: 'file-*.log', limit: 10 }));
    expect(logs).toMatchObject({ total: 300, truncated: true });
    expect(logs.hits.map((h) => h.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/var/many/file-${String(i).padStart(4, '0')}.log`));
    // the index of a restore point pruned from the catalog leaves the search
    tc.core.catalog.db.prepare('DELETE FROM backups WHERE id = ?').run(ids[0]);
    const after = ok(await api.invoke('files.search', { pattern: 'hostname' }));
    expect(after.restorePoints).toBe(2);
    expect(after.hits[0]!.versions.map((v) => v.restorePoints.length)).toEqual([2]);
  }, 60_000);

  it('shows hostile names (control characters, invalid UTF-8) escaped, never as raw bytes', async () => {
    const { tc } = await threeRestorePoints();
    const r = ok(await tc.core.api.invoke('files.search', { pattern: '/hostile/*' }));
    expect(r.hits.map((h) => h.name).sort()).toEqual(['..dots', 'back\\\\slash', 'bell\\x07\\x1b[31mred', 'f\\xff\\xfe.txt']);
    expect(JSON.stringify(r)).not.toMatch(/\\u00[01][0-9a-f]|\\u007f|\ufffd/);
    // a shown name is what the browser takes back: the search finds it by the same text
    expect(ok(await tc.core.api.invoke('files.search', { pattern: 'bell\\x07' })).hits.map((h) => h.path)).toEqual(['/hostile/bell\\x07\\x1b[31mred']);
  }, 60_000);

  it('keeps the index sealed in an encrypted destination, and a catalog rebuilt from the destination finds it without indexing again', async () => {
    const passphrase = 'index test passphrase';
    const { ids, destDir } = await threeRestorePoints({ passphrase });
    const notes = path.join(destDir, 'backups', ids[1]!, 'notes');
    expect(fs.readdirSync(notes)).toEqual(['file-index.bin']);
    expect(fs.readFileSync(path.join(notes, 'file-index.bin')).subarray(0, 4).toString()).toBe('BSNT');
    // another installation (a new catalog) adds the destination: its restore points are indexed already
    const other = openTestCore('backstack-files-search-b-');
    cores.push(other);
    ok(await other.core.api.invoke('destinations.add', { name: 'theirs', path: destDir, passphrase }));
    const r = ok(await other.core.api.invoke('files.search', { pattern: 'nginx.conf' }));
    expect(r).toMatchObject({ restorePoints: 3, notIndexedCount: 0 });
    expect(r.hits.map((h) => h.path)).toEqual(['/etc/nginx/nginx.conf']);
    expect(ok(await other.core.api.invoke('jobs.list', { limit: 10 })).items).toEqual([]);
  }, 90_000);

  it('names restore points not indexed yet, and indexing one makes it searchable', async () => {
    const tc = openTestCore('backstack-files-search-c-');
    cores.push(tc);
    const { core, dir } = tc;
    const dest = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'dest') }));
    const tree = path.join(dir, 'tree');
    writeTree(tree);
    mkfsExt4(path.join(dir, 'disk.img'), tree, 64);
    const m = await core.services.destinations.withOpen(dest.destination.id, (repo) => backUpImage(repo, path.join(dir, 'disk.img'), 'vm-2'));
    await core.services.destinations.reindex(dest.destination.id);
    const before = ok(await core.api.invoke('files.search', { pattern: 'nginx', instanceId: 'vm-2' }));
    expect(before).toMatchObject({ hits: [], total: 0, restorePoints: 0, notIndexedCount: 1, notIndexed: [{ backupId: m.id, resourceName: 'vm-2' }] });
    ok(await core.api.invoke('files.startIndex', { restorePoints: [{ backupId: m.id }] }));
    await core.jobs.whenIdle();
    const after = ok(await core.api.invoke('files.search', { pattern: 'nginx', instanceId: 'vm-2' }));
    expect(after.hits.map((h) => h.path)).toEqual(['/etc/nginx', '/etc/nginx/nginx.conf']);
    expect(after.notIndexedCount).toBe(0);
  }, 60_000);
});
