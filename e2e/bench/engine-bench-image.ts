import { prng } from '../../electron/engine/testing/fixtures';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * The benchmark's synthetic disk image: blocks of `blockSize` bytes, a quarter all zero (left as
 * holes), a quarter copies of earlier text blocks, half compressible text (pseudo-words, each
 * block unique), shuffled. And the "1% scattered change": fresh text written over extents at
 * random offsets, returned as a changed-extent list.
 */

const SYLLABLES = 'ka lo mi ne ru sa ti vo be da fe gi ho ju ky la ma no pi qu re si tu va we xi yo ze an el in on un ar er ir or ur'.split(' ');
const VOCAB: string[] = (() => {
  const rnd = prng(42);
  return Array.from({ length: 4096 }, () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => SYLLABLES[Math.floor(rnd() * SYLLABLES.length)]).join(''));
})();

export function textBlock(size: number, seed: number): Buffer {
  const rnd = prng(seed);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let line = '';
  while (at < size) {
    for (let i = 0; i < 12; i++) line += VOCAB[Math.floor(rnd() * VOCAB.length)] + (rnd() < 0.08 ? ', ' : ' ');
    line += rnd() < 0.3 ? `${Math.floor(rnd() * 100000)}.\n` : '.\n';
    if (line.length > 4096) {
      at += out.write(line, at, 'latin1');
      line = '';
    }
  }
  return out;
}

export interface ImageInfo {
  path: string;
  size: number;
  blockSize: number;
  blocks: { zero: number; duplicate: number; text: number };
  /** the distro image: the folders copied in, and their bytes */
  sources?: string[];
  contentBytes?: number;
}

export function generateImage(path: string, size: number, blockSize: number, seed = 1): ImageInfo {
  const n = Math.floor(size / blockSize);
  const kinds: ('zero' | 'dup' | 'text')[] = [];
  for (let i = 0; i < n; i++) kinds.push(i % 4 === 0 ? 'zero' : i % 4 === 1 ? 'dup' : 'text');
  const rnd = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as 'zero', kinds[i] as 'zero'];
  }
  const fd = fs.openSync(path, 'w+');
  const written: number[] = [];
  kinds.forEach((k, i) => {
    if (k === 'zero') return;
    let block: Buffer;
    if (k === 'dup' && written.length > 0) {
      const src = written[Math.floor(rnd() * written.length)] as number;
      block = Buffer.allocUnsafe(blockSize);
      fs.readSync(fd, block, 0, blockSize, src * blockSize);
    } else {
      block = textBlock(blockSize, seed * 1_000_003 + i);
      written.push(i);
    }
    fs.writeSync(fd, block, 0, blockSize, i * blockSize);
  });
  fs.ftruncateSync(fd, n * blockSize);
  fs.closeSync(fd);
  return { path, size: n * blockSize, blockSize, blocks: { zero: kinds.filter((k) => k === 'zero').length, duplicate: kinds.filter((k) => k === 'dup').length, text: kinds.filter((k) => k === 'text').length } };
}

/** Where the "1% scattered change" goes: `fraction` of the image in extents of `extentSize` at random offsets. */
export function changeExtents(size: number, fraction: number, extentSize: number, seed = 2): { offset: number; length: number }[] {
  const count = Math.max(1, Math.ceil((size * fraction) / extentSize));
  const rnd = prng(seed);
  return Array.from({ length: count }, () => ({ offset: Math.floor((rnd() * (size - extentSize)) / 512) * 512, length: extentSize }));
}

/** Writes fresh text over the extents of changeExtents(); returns them sorted, as a changed-extent list. */
export function scatterChange(path: string, size: number, fraction: number, extentSize: number, seed = 2): { offset: number; length: number }[] {
  const extents = changeExtents(size, fraction, extentSize, seed);
  const fd = fs.openSync(path, 'r+');
  extents.forEach((e, i) => fs.writeSync(fd, textBlock(e.length, seed * 7919 + i), 0, e.length, e.offset));
  fs.closeSync(fd);
  return [...extents].sort((a, b) => a.offset - b.offset);
}

/**
 * "A disk as real ones are": an ext4 file system (mkfs.ext4 -d, no root needed) holding this
 * machine's own Debian files — shared libraries and programs (binaries that compress about 2–3x),
 * documentation, manual pages and locales (text) — filled to about three quarters, the rest free
 * (zeros, as on a fresh disk). What the synthetic image is not: real compressibility.
 */
export const DISTRO_SOURCES = ['/usr/lib/x86_64-linux-gnu', '/usr/bin', '/usr/share/doc', '/usr/share/man', '/usr/share/locale', '/usr/lib/python3', '/usr/share/perl'];

export function distroImage(path: string, size: number): ImageInfo {
  const stage = `${path}.stage`;
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage);
  const budget = size * 0.75;
  let used = 0;
  const sources: string[] = [];
  for (const src of DISTRO_SOURCES) {
    if (!fs.existsSync(src)) continue;
    const bytes = Number(execFileSync('du', ['-sb', src], { encoding: 'utf8' }).split('\t')[0]);
    if (used + bytes > budget) continue;
    // links stay links (/usr/bin/X11 points at itself)
    execFileSync('cp', ['-a', '--no-preserve=ownership', src, `${stage}/${src.replaceAll('/', '_')}`], { stdio: 'ignore' });
    used += bytes;
    sources.push(src);
  }
  fs.rmSync(path, { force: true });
  execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'root_owner=0:0', '-d', stage, path, `${Math.floor(size / 1024)}k`], { stdio: 'ignore' });
  fs.rmSync(stage, { recursive: true, force: true });
  return { path, size: fs.statSync(path).size, blockSize: 4 * 1024 * 1024, blocks: { zero: 0, duplicate: 0, text: 0 }, sources, contentBytes: used };
}
