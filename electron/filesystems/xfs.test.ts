import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSource, lines, scratch } from './testing/fixtures';
import { mkfsXfs, sha256, writeTree } from './testing/images';
import { Tree } from './tree';
import type { FsNode } from './types';
import { describeDisk, openVolume } from './volumes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

describe('XFS (version 5)', () => {
  it('reads back every file, symlink and folder: short-form, block, leaf and node folders, owners and modes', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const tree = path.join(dir, 'tree');
    const exp = writeTree(tree);
    // folders in every form: short form in the inode (/etc), one block (/block), leaf (/var/many, 300
    // entries) and node (/node: 3000 entries, its 47 extents in a B+tree, not the inode)
    fs.mkdirSync(path.join(tree, 'node'));
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(tree, 'node', `a-longer-file-name-number-${i}`), lines(i % 50, i));
    fs.mkdirSync(path.join(tree, 'block'));
    for (let i = 0; i < 40; i++) fs.symlinkSync(`../node/a-longer-file-name-number-${i}`, path.join(tree, 'block', `link-${i}`));
    const image = path.join(dir, 'xfs.img');
    const before = Date.now();
    mkfsXfs(image, tree, 320, (rel) => (rel.startsWith('/home') ? [1000, 1001] : [0, 0]));
    const after = Date.now();
    const src = imageSource(image);
    cleanups.push(() => src.close());
    expect((await describeDisk(src, 'vdc')).volumes).toEqual([expect.objectContaining({ fileSystem: 'xfs', label: 'xfsroot' })]);
    const t = new Tree((await openVolume(src, 'vdc', undefined)).fs);
    const files: Record<string, FsNode & { sha256: string }> = {};
    const links: Record<string, string> = {};
    const dirs: string[] = [];
    const walk = async (node: FsNode, p: string): Promise<void> => {
      for (const c of await t.children(node, p)) {
        const cp = `${p}/${c.name.toString('utf8')}`;
        if (c.type === 'dir') {
          dirs.push(cp);
          await walk(c, cp);
        } else if (c.type === 'symlink') links[cp] = (await t.readlink(c, cp)).toString();
        else files[cp] = { ...c, sha256: sha256(await t.read(c, cp, 0, c.size)) };
      }
    };
    await walk(await t.fs.root(), '');
    expect(Object.keys(files).filter((f) => f.startsWith('/node/'))).toHaveLength(3000);
    expect(files['/node/a-longer-file-name-number-2999']!.sha256).toBe(sha256(lines(2999 % 50, 2999)));
    for (const [p, e] of Object.entries(exp.files)) {
      expect({ p, sha256: files[p]?.sha256, size: files[p]?.size, mode: (files[p]?.mode ?? 0) & 0o7777 }).toEqual({ p, sha256: e.sha256, size: e.size, mode: e.mode });
      expect(files[p]!.mtimeMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(files[p]!.mtimeMs).toBeLessThanOrEqual(after);
    }
    expect(files['/home/user/notes.txt']).toMatchObject({ uid: 1000, gid: 1001 });
    expect(Object.keys(links).filter((l) => l.startsWith('/block/'))).toHaveLength(40);
    expect(links['/block/link-39']).toBe('../node/a-longer-file-name-number-39');
    for (const [p, target] of Object.entries(exp.symlinks)) expect(links[p]).toBe(target);
    expect(dirs.sort()).toEqual([...exp.dirs, '/node', '/block'].sort());
  });
});
