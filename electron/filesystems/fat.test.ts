import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageSource, lines, noise, scratch } from './testing/fixtures';
import { mcopyInto, mdel, mkfsVfat, sha256 } from './testing/images';
import { Tree } from './tree';
import type { FsNode } from './types';
import { describeDisk, openVolume } from './volumes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

const T = Date.UTC(2025, 5, 1, 10, 20, 30); // even seconds: FAT keeps two-second steps

describe.each([12, 16, 32] as const)('FAT%i', (bits) => {
  it('reads back every file with its long name, bytes, size and time, fragmented chains too', async () => {
    const { dir, cleanup } = scratch();
    cleanups.push(cleanup);
    const image = path.join(dir, 'fat.img');
    const files: Record<string, { data: Buffer; mtimeMs: number }> = {
      'short.txt': { data: lines(100, 1), mtimeMs: T },
      'A long file name with spaces.txt': { data: lines(5000, 2), mtimeMs: T - 86_400_000 },
      'café ☕ ünïcödé.txt': { data: Buffer.from('é\n'), mtimeMs: T },
      'Docs/Nested Folder/deep.bin': { data: noise(40_000, 3), mtimeMs: T },
      'gap.bin': { data: noise(20_000, 4), mtimeMs: T },
      'after.bin': { data: noise(20_000, 5), mtimeMs: T },
      'empty.txt': { data: Buffer.alloc(0), mtimeMs: T },
    };
    mkfsVfat(image, bits, { 12: 8, 16: 32, 32: 40 }[bits]);
    mcopyInto(image, dir, files);
    // free a gap between two files, then write a file bigger than it: its chain jumps over after.bin
    mdel(image, 'gap.bin');
    delete files['gap.bin'];
    const frag = { data: noise(300_000, 6), mtimeMs: T };
    mcopyInto(image, dir, { 'fragmented.bin': frag });
    files['fragmented.bin'] = frag;

    const src = imageSource(image);
    cleanups.push(() => src.close());
    const layout = await describeDisk(src, 'vdb');
    expect(layout.volumes).toEqual([expect.objectContaining({ name: 'vdb', fileSystem: 'vfat', label: `FAT${bits}VOL` })]);
    const tree = new Tree((await openVolume(src, 'vdb', undefined)).fs);
    const got: Record<string, { sha256: string; size: number; mtimeMs: number }> = {};
    const walk = async (node: FsNode, p: string): Promise<void> => {
      for (const c of await tree.children(node, p)) {
        const cp = `${p}${p ? '/' : ''}${c.name.toString('utf8')}`;
        if (c.type === 'dir') await walk(c, cp);
        else got[cp] = { sha256: sha256(await tree.read(c, cp, 0, c.size)), size: c.size, mtimeMs: c.mtimeMs };
      }
    };
    await walk(await tree.fs.root(), '');
    expect(got).toEqual(Object.fromEntries(Object.entries(files).map(([p, f]) => [p, { sha256: sha256(f.data), size: f.data.length, mtimeMs: f.mtimeMs }])));
    // a range in the middle of the fragmented file
    const { node } = await tree.lookup('/fragmented.bin');
    expect((await tree.read(node, '/fragmented.bin', 150_000, 1000)).equals(frag.data.subarray(150_000, 151_000))).toBe(true);
    const listed = await tree.list('/');
    expect(listed.entries.find((e) => e.name === 'Docs')).toMatchObject({ type: 'dir', mode: 0o755, uid: 0 });
    expect(listed.entries.find((e) => e.name === 'short.txt')).toMatchObject({ type: 'file', mode: 0o644, size: 100, mtime: '2025-06-01T10:20:30.000Z' });
  });
});
