import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors/app-error';
import { lines, noise, scratch } from './testing/fixtures';
import { DamagedError } from './errors';
import type { FsNode } from './types';
import { mkfsExt4 } from './testing/images';
import { bufferSource } from './source';
import { Tree } from './tree';
import { describeDisk, openVolume } from './volumes';

const { dir, cleanup } = scratch('backstack-fs-fuzz-');
afterAll(cleanup);

/** A small ext4 image with folders, files of a few sizes and symlinks, as bytes. */
function image(extra: string[]): Buffer {
  const tree = path.join(dir, `tree-${extra.join('')}`);
  for (let d = 0; d < 4; d++) {
    fs.mkdirSync(path.join(tree, `d${d}`, 'sub'), { recursive: true });
    for (let f = 0; f < 30; f++) fs.writeFileSync(path.join(tree, `d${d}`, `f${f}`), lines(f * 997, d * 100 + f));
    fs.symlinkSync('../d0/f1', path.join(tree, `d${d}`, 'sub', 'link'));
  }
  const img = path.join(dir, `fs-${extra.join('')}.img`);
  mkfsExt4(img, tree, 8, extra);
  return fs.readFileSync(img);
}

/** Everything a user can do with a volume: list it, open it, walk every folder, read every file and link. */
async function browseAll(disk: Buffer): Promise<'ok' | 'damaged'> {
  const src = bufferSource(disk);
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

describe('hostile ext4 metadata (bytes flipped in a real image)', () => {
  it.each([
    ['ext4', []],
    ['ext4 with inline data', ['-O', 'inline_data']],
    ['ext2', ['-t', 'ext2']],
  ])('%s: every damaged copy is browsed or refused cleanly, and quickly', async (_n, extra) => {
    const clean = image(extra);
    expect(await browseAll(clean)).toBe('ok');
    const outcomes = { ok: 0, damaged: 0 };
    const started = performance.now();
    for (let seed = 1; seed <= 150; seed++) {
      const rnd = random(seed);
      const copy = Buffer.from(clean);
      // the metadata of an 8 MiB file system sits in its first ~600 KiB: superblock, descriptors, bitmaps, inode tables, folders
      const span = seed % 3 === 0 ? 2048 : 600 * 1024;
      for (let k = 0; k < 1 + (seed % 40); k++) copy[1024 + Math.floor(rnd() * span)] = Math.floor(rnd() * 256);
      outcomes[await browseAll(copy)] += 1;
    }
    expect(outcomes.damaged).toBeGreaterThan(10);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

/** A seeded stream of numbers in [0, 1), from noise(): a failing seed can be replayed. */
function random(seed: number): () => number {
  const bytes = noise(4 * 256, seed);
  let i = 0;
  return () => bytes.readUInt32LE(4 * (i++ % 256)) / 4294967296;
}
