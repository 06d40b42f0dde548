import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors/app-error';
import { lines, noise, scratch } from './testing/fixtures';
import { DamagedError } from './errors';
import type { FsNode } from './types';
import { mcopyInto, mkfsExt4, mkfsVfat, mkfsXfs } from './testing/images';
import type { ByteSource } from './source';
import { Tree } from './tree';
import { describeDisk, openVolume } from './volumes';

const { dir, cleanup } = scratch('backstack-fs-fuzz-');
afterAll(cleanup);

/** Folders, files of a few sizes and symlinks, written once. */
function smallTree(): string {
  const tree = path.join(dir, 'tree');
  if (fs.existsSync(tree)) return tree;
  for (let d = 0; d < 4; d++) {
    fs.mkdirSync(path.join(tree, `d${d}`, 'sub'), { recursive: true });
    for (let f = 0; f < 30; f++) fs.writeFileSync(path.join(tree, `d${d}`, `f${f}`), lines(f * 997, d * 100 + f));
    fs.symlinkSync('../d0/f1', path.join(tree, `d${d}`, 'sub', 'link'));
  }
  return tree;
}

/** A small ext image of that tree, as bytes. */
function image(extra: string[]): Buffer {
  const img = path.join(dir, `fs-${extra.join('')}.img`);
  mkfsExt4(img, smallTree(), 8, extra);
  return fs.readFileSync(img);
}

/** A small FAT12 image with nested folders and long names. */
function fatImage(): Buffer {
  const img = path.join(dir, 'fat.img');
  mkfsVfat(img, 12, 4);
  const files: Record<string, { data: Buffer; mtimeMs: number }> = {};
  for (let d = 0; d < 3; d++) for (let f = 0; f < 12; f++) files[`Folder number ${d}/A long file name ${f}.txt`] = { data: lines(f * 700, d * 10 + f), mtimeMs: Date.UTC(2025, 0, 1) };
  mcopyInto(img, dir, files);
  return fs.readFileSync(img);
}

/** A small XFS (mkfs.xfs needs 300 MiB; most of it is never read) from the same kind of folder. */
function xfsImage(): Buffer {
  const img = path.join(dir, 'fs.xfs');
  mkfsXfs(img, smallTree(), 300);
  return fs.readFileSync(img);
}

/** The clean image with some bytes replaced, without copying it (XFS images are 300 MiB). */
function flipped(clean: Buffer, flips: Map<number, number>): ByteSource {
  return {
    size: clean.length,
    read: async (offset, length) => {
      const b = Buffer.from(clean.subarray(offset, Math.min(clean.length, offset + length)));
      for (const [at, v] of flips) if (at >= offset && at < offset + b.length) b[at - offset] = v;
      return b;
    },
  };
}

/** Everything a user can do with a volume: list it, open it, walk every folder, read every file and link. */
async function browseAll(src: ByteSource): Promise<'ok' | 'damaged'> {
  try {
    await describeDisk(src, 'vda');
    const tree = new Tree((await openVolume(src, 'vda', undefined)).fs);
    const visit = async (node: FsNode, p: string, depth: number): Promise<void> => {
      if (depth > 64) return; // a crafted folder that contains itself: the walk, not the parser, stops
      for (const c of await tree.children(node, p)) {
        const cp = `${p}/${c.name.toString('hex')}`;
        if (c.type === 'dir') await visit(c, cp, depth + 1);
        else if (c.type === 'symlink') await tree.readlink(c, cp);
        else if (c.type === 'file') await tree.read(c, cp, 0, Math.min(c.size, 4 * 1024 * 1024));
      }
    };
    await visit(await tree.fs.root(), '', 0);
    return 'ok';
  } catch (e) {
    // a clean refusal names what is wrong; anything else (a RangeError from reading past a buffer) is a parser bug
    if (e instanceof DamagedError || e instanceof AppError) return 'damaged';
    throw e;
  }
}

describe('hostile metadata (bytes flipped in a real image)', () => {
  it.each([
    // where the metadata sits: superblock, descriptors, bitmaps, inode tables, folders (ext); boot sector, FATs, root folder (FAT)
    // (XFS: its first inode chunk, where the root and the tree's inodes and short-form folders are)
    ['ext4', () => image([]), 1024, 600 * 1024],
    ['ext4 with inline data', () => image(['-O', 'inline_data']), 1024, 600 * 1024],
    ['ext2', () => image(['-t', 'ext2']), 1024, 600 * 1024],
    ['FAT12', fatImage, 0, 40 * 1024],
    ['XFS', xfsImage, 64 * 1024, 64 * 1024],
  ])('%s: every damaged copy is browsed or refused cleanly, and quickly', async (_n, make, start, metadata) => {
    const clean = make();
    expect(await browseAll(flipped(clean, new Map()))).toBe('ok');
    const outcomes = { ok: 0, damaged: 0 };
    const started = performance.now();
    for (let seed = 1; seed <= 150; seed++) {
      const rnd = random(seed);
      const flips = new Map<number, number>();
      const span = seed % 3 === 0 ? 2048 : metadata;
      const from = seed % 5 === 0 ? 0 : start;
      for (let k = 0; k < 1 + (seed % 40); k++) flips.set(from + Math.floor(rnd() * span), Math.floor(rnd() * 256));
      outcomes[await browseAll(flipped(clean, flips))] += 1;
    }
    // the flips reach the parsers' refusals, not only bytes nobody reads
    expect(outcomes.damaged).toBeGreaterThan(5);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

/** A seeded stream of numbers in [0, 1), from noise(): a failing seed can be replayed. */
function random(seed: number): () => number {
  const bytes = noise(4 * 256, seed);
  let i = 0;
  return () => bytes.readUInt32LE(4 * (i++ % 256)) / 4294967296;
}
