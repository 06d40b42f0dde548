import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Test fixtures: temporary folders, deterministic disk images, checksums. */

export function tempDir(prefix = 'backstack-engine-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'lorem ipsum dolor sit amet volume server backup restore chunk index manifest nova cinder glance neutron keystone image snapshot block device extent digest zstd cipher tenant project flavor network subnet port router'.split(' ');

/** Compressible text, different for each seed. */
export function textBlock(length: number, seed: number): Buffer {
  const rnd = prng(seed);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  while (at < length) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)] as string;
    at += out.write(w + (rnd() < 0.1 ? '\n' : ' '), at, 'latin1');
    if (rnd() < 0.05) at += out.write(String(Math.floor(rnd() * 1e9)), at, 'latin1');
  }
  return out;
}

export function randomBlock(length: number, seed: number): Buffer {
  const rnd = prng(seed);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 4) out.writeUInt32LE((rnd() * 4294967296) >>> 0, i);
  return out.subarray(0, length);
}

export type BlockKind = 'zero' | 'text' | 'random' | { dupOf: number };

/**
 * Writes an image of `kinds.length` blocks of `blockSize` (+ `tail` extra bytes of text); zero
 * blocks are left as holes. Returns the block contents used, for building variants.
 */
export function writeImage(file: string, blockSize: number, kinds: BlockKind[], seed = 1, tail = 0): void {
  const fd = fs.openSync(file, 'w');
  const blocks: (Buffer | null)[] = [];
  kinds.forEach((k, i) => {
    let b: Buffer | null;
    if (k === 'zero') b = null;
    else if (k === 'text') b = textBlock(blockSize, seed * 1000 + i);
    else if (k === 'random') b = randomBlock(blockSize, seed * 1000 + i);
    else b = blocks[k.dupOf] ?? null;
    blocks.push(b);
    if (b) fs.writeSync(fd, b, 0, b.length, i * blockSize);
  });
  if (tail > 0) fs.writeSync(fd, textBlock(tail, seed), 0, tail, kinds.length * blockSize);
  fs.ftruncateSync(fd, kinds.length * blockSize + tail);
  fs.closeSync(fd);
}

/** Overwrites [offset, offset+length) with fresh text; returns the range. */
export function scribble(file: string, offset: number, length: number, seed: number): { offset: number; length: number } {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, textBlock(length, seed), 0, length, offset);
  fs.closeSync(fd);
  return { offset, length };
}

export function sha256File(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    h.update(buf.subarray(0, n));
  }
  fs.closeSync(fd);
  return h.digest('hex');
}

/** Bytes allocated on disk (st_blocks), to check that holes stayed holes. */
export const allocatedBytes = (file: string): number => fs.statSync(file).blocks * 512;

/** Moves every file time under `dir` back by `ms`: stands for "this was written long ago". */
export function ageTree(dir: string, ms: number): void {
  const walk = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    fs.utimesSync(p, new Date(st.atimeMs - ms), new Date(st.mtimeMs - ms));
  };
  walk(dir);
}

/** Path -> sha256 of every file under `dir` (to show that nothing changed). */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else out[path.relative(dir, p)] = `${st.size}:${st.mtimeMs}:${sha256File(p)}`;
  };
  walk(dir);
  return out;
}

/** Wraps a source so that it stops after `after` extents until released (a backup "still running"). */
export function gated<S extends { extents: (...a: never[]) => AsyncIterable<unknown> }>(src: S, after: number): { source: S; reached: Promise<void>; release: () => void } {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reachedP = new Promise<void>((r) => (reached = r));
  const source = {
    ...src,
    async *extents(...args: never[]) {
      let n = 0;
      for await (const e of src.extents(...args)) {
        if (n++ === after) {
          reached();
          await gate;
        }
        yield e;
      }
    },
  } as S;
  return { source, reached: reachedP, release };
}
