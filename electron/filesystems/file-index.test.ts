import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DamagedError } from './errors';
import { decodeVolumeIndex, encodeVolumeIndex, indexTree, NODE_TYPES, type VolumeIndex } from './file-index';
import { imageSource, scratch } from './testing/fixtures';
import { mkfsExt4, writeHostileNames, writeTree } from './testing/images';
import { Tree } from './tree';
import { openVolume } from './volumes';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function indexedImage(): Promise<{ index: VolumeIndex; exp: ReturnType<typeof writeTree> }> {
  const { dir, cleanup } = scratch();
  cleanups.push(cleanup);
  const exp = writeTree(path.join(dir, 'tree'));
  writeHostileNames(path.join(dir, 'tree'));
  mkfsExt4(path.join(dir, 'disk.img'), path.join(dir, 'tree'), 96);
  const src = imageSource(path.join(dir, 'disk.img'));
  cleanups.push(() => src.close());
  const { fs } = await openVolume(src, 'vda', undefined);
  return { index: await indexTree(new Tree(fs)), exp };
}

/** path → entry, as a search would show it */
function entries(v: VolumeIndex): Map<string, { type: string; size: number; mtime: number }> {
  const out = new Map<string, { type: string; size: number; mtime: number }>();
  for (let i = 0; i < v.names.length; i++) {
    const dir = v.dirs[v.dir[i]!]!;
    out.set(`${dir === '/' ? '' : dir}/${v.names[i]}`, { type: NODE_TYPES[v.types[i]!]!, size: v.sizes[i]!, mtime: v.mtimes[i]! });
  }
  return out;
}

describe('the file index of a volume', () => {
  it('holds every file, folder and symlink of an ext4 image with its size, time and type, and survives encoding unchanged', async () => {
    const { index, exp } = await indexedImage();
    const all = entries(index);
    for (const [p, f] of Object.entries(exp.files)) expect(all.get(p), p).toEqual({ type: 'file', size: f.size, mtime: f.mtimeMs });
    for (const p of Object.keys(exp.symlinks)) expect(all.get(p)?.type, p).toBe('symlink');
    for (const p of exp.dirs) expect(all.get(p)?.type, p).toBe('dir');
    expect(index.problems).toEqual([]);
    const bytes = encodeVolumeIndex(index);
    expect(decodeVolumeIndex(bytes)).toEqual(index);
    // compact: a few bytes an entry (300 near-identical log names and their folders, compressed)
    expect(bytes.length / index.names.length).toBeLessThan(16);
  });

  it('shows hostile names (control characters, invalid UTF-8) in their escaped form only', async () => {
    const { index } = await indexedImage();
    const hostile = [...entries(index).keys()].filter((p) => p.startsWith('/hostile/'));
    expect(hostile.sort()).toEqual(['/hostile/..dots', '/hostile/back\\\\slash', '/hostile/bell\\x07\\x1b[31mred', '/hostile/f\\xff\\xfe.txt']);
    const controls = [...decodeVolumeIndex(encodeVolumeIndex(index)).names.join('')].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    expect(controls).toEqual([]);
  });

  it('refuses a damaged or crafted index with DamagedError, never a hang or a wrong answer', async () => {
    const { index } = await indexedImage();
    const good = encodeVolumeIndex(index);
    expect(() => decodeVolumeIndex(good.subarray(0, good.length - 7))).toThrow(DamagedError);
    expect(() => decodeVolumeIndex(Buffer.from('not brotli at all'))).toThrow(DamagedError);
    // valid compression around wrong contents: counts that lie, a folder number out of range
    const lie = { ...index, names: index.names.slice(1) };
    expect(() => decodeVolumeIndex(encodeVolumeIndex(lie))).toThrow(DamagedError);
    const badDir = { ...index, dir: index.dir.map((d, i) => (i === 3 ? index.dirs.length + 5 : d)) };
    expect(() => decodeVolumeIndex(encodeVolumeIndex(badDir))).toThrow(/names a folder it does not have/);
  });
});
