import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok, openTestCore, type TestCore } from './testing';
import { DragOut } from '../services/files/drag-out';
import { backUpImage, mkfsExt4, sha256, writeTree, type Expected } from '../services/files/testing';

let tc: TestCore | undefined;
afterEach(async () => {
  await tc?.close();
  tc = undefined;
});

/** A core whose destination holds one restore point of an ext4 disk with writeTree's files. */
async function restorePoint(): Promise<{ tc: TestCore; backupId: string; expected: Expected }> {
  tc = openTestCore('backstack-drag-');
  const { core, dir } = tc;
  const dest = ok(await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'dest') }));
  const tree = path.join(dir, 'tree');
  const expected = writeTree(tree);
  const image = path.join(dir, 'disk.img');
  mkfsExt4(image, tree, 64);
  const m = await core.services.destinations.withOpen(dest.destination.id, (repo) => backUpImage(repo, image));
  await core.services.destinations.reindex(dest.destination.id);
  return { tc, backupId: m.id, expected };
}

describe('drag to restore (desktop app)', () => {
  it('copies the selection out whole before the drag, and hands out only its own paths', async () => {
    const { tc, backupId, expected } = await restorePoint();
    const prepared = ok(await tc.core.api.invoke('files.prepareDrag', { backupId, paths: ['/etc/nginx/nginx.conf', '/usr/bin'] }));
    expect(prepared).toMatchObject({ items: 2, bytes: expected.files['/etc/nginx/nginx.conf']!.size + expected.files['/usr/bin/tool']!.size, skipped: [] });
    const paths = tc.core.services.dragOut.paths(prepared.token)!;
    expect(paths.map((p) => path.basename(p)).sort()).toEqual(['bin', 'nginx.conf']);
    expect(sha256(fs.readFileSync(paths.find((p) => p.endsWith('nginx.conf'))!))).toBe(expected.files['/etc/nginx/nginx.conf']!.sha256);
    expect(sha256(fs.readFileSync(path.join(paths.find((p) => p.endsWith('bin'))!, 'tool')))).toBe(expected.files['/usr/bin/tool']!.sha256);
    // no temporary names left beside them
    expect(fs.readdirSync(path.dirname(paths[0]!)).filter((n) => n.includes('.tmp'))).toEqual([]);
    expect(tc.core.services.dragOut.paths('0123456789abcdef01234567')).toBeNull();
  });

  it('refuses a selection too large to copy before a drag, pointing at Restore to folder, and leaves nothing', async () => {
    const { tc, backupId } = await restorePoint();
    const root = path.join(tc.dir, 'small-drags');
    const small = new DragOut(tc.core.services.files, root, 100_000);
    await expect(small.prepare({ backupId, paths: ['/usr/bin/tool'] })).rejects.toThrow(/larger than 97\.7 KiB, too much to copy before a drag: use Restore to folder… \(a job with progress\) instead/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('keeps the last few prepared drags, removes older ones, and empties its folder on start and close', async () => {
    const { tc, backupId } = await restorePoint();
    const root = path.join(tc.dir, 'drags');
    fs.mkdirSync(path.join(root, 'left-by-a-killed-app'), { recursive: true });
    const drags = new DragOut(tc.core.services.files, root);
    expect(fs.existsSync(root)).toBe(false);
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push((await drags.prepare({ backupId, paths: ['/etc/hostname'] })).token);
    expect(drags.paths(tokens[0]!)).toBeNull();
    expect(tokens.slice(1).every((t) => drags.paths(t)?.length === 1)).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(tokens.slice(1).sort());
    drags.close();
    expect(fs.existsSync(root)).toBe(false);
  });
});
