import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ok, openTestCore, type TestCore } from './testing';
import { backUpImage, mkfsExt4, writeTree } from '../services/files/testing';
import { BackupsTable } from '../catalog';
import { FilesService } from '../services/files/files.service';

let tc: TestCore | undefined;
afterEach(async () => {
  await tc?.close();
  tc = undefined;
});

/** A core with a destination holding `n` backups of an ext4 disk (each with a different /etc/hostname), indexed in the catalog. */
async function coreWithBackups(n: number): Promise<{ tc: TestCore; ids: string[]; destinationId: string }> {
  tc = openTestCore('backstack-files-svc-');
  const { core, dir } = tc;
  const dest = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'dest') }));
  const tree = path.join(dir, 'tree');
  writeTree(tree);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(tree, 'etc/hostname'), `web-${i}\n`);
    const image = path.join(dir, `disk-${i}.img`);
    mkfsExt4(image, tree, 64);
    const m = await core.services.destinations.withOpen(dest.destination.id, (repo) => backUpImage(repo, image));
    ids.push(m.id);
  }
  await core.services.destinations.reindex(dest.destination.id);
  return { tc, ids, destinationId: dest.destination.id };
}

const sessions = (dest: string) => fs.readdirSync(path.join(dest, 'locks')).filter((f) => f.startsWith('session-')).length;

describe('files.* over the catalog', () => {
  it('lists the disks and volumes of a restore point, a folder, and previews a file, through the contract', async () => {
    const { tc, ids } = await coreWithBackups(1);
    const api = tc.core.api;
    const vols = ok(await api.invoke('files.volumes', { backupId: ids[0]! }));
    expect(vols.disks).toEqual([
      { name: 'vda', size: 64 * 1024 * 1024, scheme: 'none', problems: [], volumes: [expect.objectContaining({ name: 'vda', fileSystem: 'ext4', label: 'rootfs', note: null })] },
    ]);
    const etc = ok(await api.invoke('files.list', { backupId: ids[0]!, path: '/etc' }));
    expect(etc.path).toBe('/etc');
    expect(etc.entries.map((e) => [e.name, e.type]).sort()).toEqual([['hostname', 'file'], ['nginx', 'dir'], ['passwd-link', 'symlink']]);
    expect(etc.entries.find((e) => e.name === 'passwd-link')!.target).toBe('/etc/passwd');
    const host = ok(await api.invoke('files.read', { backupId: ids[0]!, path: '/etc/hostname' }));
    expect(Buffer.from(host.data, 'base64').toString()).toBe('web-0\n');
    expect(host).toMatchObject({ size: 6, truncated: false });
    const head = ok(await api.invoke('files.read', { backupId: ids[0]!, path: '/usr/bin/tool', maxBytes: 100 }));
    expect(head).toMatchObject({ size: 700_000, truncated: true });
    expect(Buffer.from(head.data, 'base64')).toHaveLength(100);
    const dirRead = await api.invoke('files.read', { backupId: ids[0]!, path: '/etc' });
    expect(dirRead.ok || dirRead.error.message).toBe('/etc is not a file (dir): only files have contents to preview.');
    const missing = await api.invoke('files.list', { backupId: 'vm-9/2026-01-01T00-00-00.000Z', path: '/' });
    expect(missing.ok || missing.error.code).toBe('resource.notFound');
  });

  it('keeps a few restore points open, closes the least recently used beyond them, and all on close', async () => {
    const { tc, ids, destinationId } = await coreWithBackups(2);
    const dest = path.join(tc.dir, 'dest');
    const svc = new FilesService(tc.core.services.destinations, new BackupsTable(tc.core.catalog.db, () => undefined), { openRestorePoints: 1, idleMs: 60_000 });
    try {
      const a = await svc.read({ backupId: ids[0]!, path: '/etc/hostname', maxBytes: 100 });
      expect(Buffer.from(a.data, 'base64').toString()).toBe('web-0\n');
      expect(sessions(dest)).toBe(1); // its disk stays open: the next folder opens at once
      const b = await svc.read({ backupId: ids[1]!, destinationId, path: '/etc/hostname', maxBytes: 100 });
      expect(Buffer.from(b.data, 'base64').toString()).toBe('web-1\n');
      await expect.poll(() => sessions(dest)).toBe(1); // the first one was closed
    } finally {
      await svc.close();
    }
    expect(sessions(dest)).toBe(0);
  });

  it('closes a restore point nobody browsed for the idle time', async () => {
    const { tc, ids } = await coreWithBackups(1);
    const dest = path.join(tc.dir, 'dest');
    const svc = new FilesService(tc.core.services.destinations, new BackupsTable(tc.core.catalog.db, () => undefined), { openRestorePoints: 4, idleMs: 60_000 });
    // only the sweeper's interval and the clock are faked: the reads themselves run for real
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      await svc.list({ backupId: ids[0]!, path: '/' });
      expect(sessions(dest)).toBe(1);
      vi.advanceTimersByTime(30_000);
      expect(sessions(dest)).toBe(1);
      vi.advanceTimersByTime(61_000);
      await expect.poll(() => sessions(dest)).toBe(0);
    } finally {
      vi.useRealTimers();
      await svc.close();
    }
  });
});

describe('files.startRestore', () => {
  it('copies files and folders into a local folder as a job; what exists is kept and the job warns why', async () => {
    const { tc, ids } = await coreWithBackups(1);
    const out = path.join(tc.dir, 'restored');
    const api = tc.core.api;
    const first = ok(await api.invoke('files.startRestore', { backupId: ids[0]!, paths: ['/etc/nginx', '/etc/hostname'], out }));
    await tc.core.jobs.whenIdle();
    const job = ok(await api.invoke('jobs.get', { id: first.jobId }));
    expect(job).toMatchObject({ kind: 'files.restore', state: 'succeeded' });
    expect(job.summary).toMatch(/^2 files \(.+\), 1 folder and 1 link restored into /);
    expect(fs.readFileSync(path.join(out, 'hostname'), 'utf8')).toBe('web-0\n');
    expect(fs.readFileSync(path.join(out, 'nginx/nginx.conf'))).toEqual(fs.readFileSync(path.join(tc.dir, 'tree/etc/nginx/nginx.conf')));
    expect(fs.readlinkSync(path.join(out, 'nginx/current'))).toBe('nginx.conf');

    fs.writeFileSync(path.join(out, 'hostname'), 'mine\n');
    const again = ok(await api.invoke('files.startRestore', { backupId: ids[0]!, paths: ['/etc/hostname'], out }));
    await tc.core.jobs.whenIdle();
    expect(ok(await api.invoke('jobs.get', { id: again.jobId })).state).toBe('warning');
    expect(fs.readFileSync(path.join(out, 'hostname'), 'utf8')).toBe('mine\n');
    const log = ok(await api.invoke('jobs.getLog', { id: again.jobId }));
    expect(log.items.map((e) => e.message)).toContain(`/etc/hostname not restored: ${path.join(out, 'hostname')} exists already.`);

    const relative = await api.invoke('files.startRestore', { backupId: ids[0]!, paths: ['/etc/hostname'], out: 'restored' });
    await tc.core.jobs.whenIdle();
    expect(ok(await api.invoke('jobs.get', { id: ok(relative).jobId })).error?.message).toBe('"restored" is not an absolute path: give the whole path of the folder to restore into.');
  });
});
