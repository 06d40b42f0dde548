import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSource, scratch } from './testing/fixtures';
import { mkfsExt4, SBIN, sha256, writeHostileNames, writeTree, type Expected } from './testing/images';
import { extract } from './extract';
import { Tree } from './tree';
import { describeDisk, openVolume } from './volumes';
import type { FsNode } from './types';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function ext4Image(extra: string[] = []): { reader: ReturnType<typeof imageSource>; exp: Expected } {
  const { dir: work, cleanup } = scratch();
  cleanups.push(cleanup);
  const tree = path.join(work, 'tree');
  const exp = writeTree(tree);
  const image = path.join(work, 'disk.img');
  mkfsExt4(image, tree, 96, extra);
  const reader = imageSource(image);
  cleanups.push(() => reader.close());
  return { reader, exp };
}

/** Every file, symlink and folder of a tree, read back through the parsers. */
async function walk(tree: Tree): Promise<{ files: Map<string, { node: FsNode; sha256: string }>; links: Map<string, string>; dirs: string[] }> {
  const files = new Map<string, { node: FsNode; sha256: string }>();
  const links = new Map<string, string>();
  const dirs: string[] = [];
  const visit = async (node: FsNode, p: string) => {
    for (const c of await tree.children(node, p)) {
      const cp = `${p === '/' ? '' : p}/${c.name.toString('utf8')}`;
      if (c.type === 'dir') {
        dirs.push(cp);
        await visit(c, cp);
      } else if (c.type === 'symlink') links.set(cp, (await tree.readlink(c, cp)).toString('utf8'));
      else if (c.type === 'file') files.set(cp, { node: c, sha256: sha256(await tree.read(c, cp, 0, c.size)) });
    }
  };
  await visit(await tree.fs.root(), '/');
  return { files, links, dirs };
}

describe.each([
  ['ext4', []],
  ['ext4 with inline data', ['-O', 'inline_data']],
  ['ext2 (block pointers, no extents)', ['-t', 'ext2']],
  ['ext4 with 1 KiB blocks', ['-b', '1024']],
] as const)('%s image', (_name, extra) => {
  it('reads back every file byte for byte, with its size, mode and time, and every symlink and folder', async () => {
    const { reader, exp } = ext4Image([...extra]);
    const layout = await describeDisk(reader, 'vda');
    expect(layout.scheme).toBe('none');
    expect(layout.volumes).toHaveLength(1);
    const { fs: fsys } = await openVolume(reader, 'vda', undefined);
    expect(fsys.label).toBe('rootfs');
    const got = await walk(new Tree(fsys));
    expect([...got.files.keys()].sort()).toEqual(Object.keys(exp.files).sort());
    for (const [p, e] of Object.entries(exp.files)) {
      const g = got.files.get(p)!;
      expect({ p, sha256: g.sha256, size: g.node.size, mode: g.node.mode & 0o7777 }).toEqual({ p, sha256: e.sha256, size: e.size, mode: e.mode });
      expect(Math.round(g.node.mtimeMs)).toBe(e.mtimeMs);
      expect(g.node.uid).toBe(process.getuid!());
    }
    expect(Object.fromEntries(got.links)).toEqual(exp.symlinks);
    expect(got.dirs.sort()).toEqual([...exp.dirs, '/lost+found'].sort());
  });
});

describe('an ext4 disk', () => {
  it('reads a sparse file as its holes and data, and any range of it', async () => {
    const { reader } = ext4Image();
    const tree = new Tree((await openVolume(reader, 'vda', undefined)).fs);
    const { node } = await tree.lookup('/var/lib/sparse.img');
    expect(node.size).toBe(32 * 1024 * 1024);
    const around = await tree.read(node, '/var/lib/sparse.img', 12 * 1024 * 1024 - 10, 20);
    expect(around.subarray(0, 10).every((b) => b === 0)).toBe(true);
    expect(around.subarray(10).some((b) => b !== 0)).toBe(true);
    expect((await tree.read(node, '/var/lib/sparse.img', 32 * 1024 * 1024 - 5, 100)).length).toBe(5);
    expect((await tree.read(node, '/var/lib/sparse.img', 20 * 1024 * 1024, 4096)).every((b) => b === 0)).toBe(true);
  });

  it('lists a folder with names, types, sizes, modes, owners, times and link targets, following no link', async () => {
    const { reader } = ext4Image();
    const tree = new Tree((await openVolume(reader, 'vda', undefined)).fs);
    const { entries } = await tree.list('/etc/nginx');
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    expect(byName['nginx.conf']).toMatchObject({ path: '/etc/nginx/nginx.conf', type: 'file', size: 3000, mode: 0o644, mtime: '2026-11-24T09:30:15.000Z', target: null });
    expect(byName.current).toMatchObject({ type: 'symlink', target: 'nginx.conf' });
    const loop = (await tree.list('/var')).entries.find((e) => e.name === 'loop-a');
    expect(loop).toMatchObject({ type: 'symlink', target: 'loop-b' });
    await expect(tree.lookup('/var/loop-a/x')).rejects.toThrow(/\/var\/loop-a is a symbolic link to loop-b; links are not followed/);
    await expect(tree.lookup('/etc/passwd-link/x')).rejects.toThrow(/symbolic link to \/etc\/passwd/);
    await expect(tree.lookup('/etc/missing')).rejects.toThrow('/etc/missing does not exist in this restore point.');
    await expect(tree.lookup('/etc/../..')).rejects.toThrow(/without "\." or "\.\."/);
  });

  it('reads times past 2038 and their nanoseconds (set with debugfs: mkfs.ext4 -d copies neither)', async () => {
    const { dir: work, cleanup } = scratch();
    cleanups.push(cleanup);
    const src = path.join(work, 'tree');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'later.txt'), 'x');
    const image = path.join(work, 'disk.img');
    mkfsExt4(image, src, 8);
    // the epoch bits (01: add 2^32 s) and 123456789 ns, in i_mtime_extra
    execFileSync(SBIN('debugfs'), ['-w', '-R', 'sif /later.txt mtime 20400102030405', image], { stdio: 'pipe' });
    execFileSync(SBIN('debugfs'), ['-w', '-R', `sif /later.txt mtime_extra ${(123_456_789 << 2) | 1}`, image], { stdio: 'pipe' });
    const reader = imageSource(image);
    cleanups.push(() => reader.close());
    const tree = new Tree((await openVolume(reader, 'vda', undefined)).fs);
    const { node } = await tree.lookup('/later.txt');
    expect(node.mtimeMs).toBeCloseTo(Date.UTC(2040, 0, 2, 3, 4, 5) + 123.456789, 3);
    expect((await tree.list('/later.txt')).entries[0]!.mtime).toBe('2040-01-02T03:04:05.123Z');
  });

  it('copies out a huge sparse file in the time of its data, and it stays sparse', async () => {
    const { dir: work, cleanup } = scratch();
    cleanups.push(cleanup);
    const src = path.join(work, 'tree');
    fs.mkdirSync(src);
    const huge = path.join(src, 'huge.img');
    const tail = Buffer.from('the end\n');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 64 * 1024 ** 3 - tail.length);
    fs.appendFileSync(huge, tail);
    const image = path.join(work, 'disk.img');
    mkfsExt4(image, src, 16, ['-b', '4096']);
    fs.rmSync(src, { recursive: true });
    const reader = imageSource(image);
    cleanups.push(() => reader.close());
    const tree = new Tree((await openVolume(reader, 'vda', undefined)).fs);
    const started = performance.now();
    const out = path.join(work, 'out');
    const r = await extract(tree, ['/huge.img'], { out, conflict: 'skip' });
    expect(r).toMatchObject({ files: 1, bytes: 64 * 1024 ** 3 });
    expect(performance.now() - started).toBeLessThan(5000);
    const st = fs.statSync(path.join(out, 'huge.img'));
    expect(st.size).toBe(64 * 1024 ** 3);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024);
    const fd = fs.openSync(path.join(out, 'huge.img'), 'r');
    const end = Buffer.alloc(tail.length);
    fs.readSync(fd, end, 0, end.length, st.size - tail.length);
    fs.closeSync(fd);
    expect(end.equals(tail)).toBe(true);
  });

  it('says when the journal holds changes not yet written (a disk copied while its instance ran)', async () => {
    const { dir: work, cleanup } = scratch();
    cleanups.push(cleanup);
    fs.mkdirSync(path.join(work, 'tree'));
    const image = path.join(work, 'disk.img');
    mkfsExt4(image, path.join(work, 'tree'), 8);
    execFileSync(SBIN('debugfs'), ['-w', '-R', 'feature needs_recovery', image], { stdio: 'pipe' });
    const reader = imageSource(image);
    cleanups.push(() => reader.close());
    const [volume] = (await describeDisk(reader, 'vda')).volumes;
    expect(volume).toMatchObject({ fileSystem: 'ext4', note: expect.stringMatching(/^The journal holds changes not yet written/) });
  });

  it('shows hostile names escaped, and finds them again by their shown form', async () => {
    const { dir: work, cleanup } = scratch();
    cleanups.push(cleanup);
    const src = path.join(work, 'tree');
    fs.mkdirSync(src);
    const { shown } = writeHostileNames(src);
    const image = path.join(work, 'disk.img');
    mkfsExt4(image, src, 8);
    const reader = imageSource(image);
    cleanups.push(() => reader.close());
    const tree = new Tree((await openVolume(reader, 'vda', undefined)).fs);
    const { entries } = await tree.list('/hostile');
    expect(entries.map((e) => e.name).sort()).toEqual([...shown].sort());
    for (const e of entries) {
      expect([...e.name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
      const { node } = await tree.lookup(e.path);
      expect((await tree.read(node, e.path, 0, 10)).toString()).toBe('x');
    }
  });
});
