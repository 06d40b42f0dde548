import { hash } from 'node:crypto';
import type { Range } from '../../engine';

/**
 * The arithmetic of a differential restore (restore-in-place.ts): a disk cut into fixed blocks,
 * a SHA-256 per block on each side (the restore point, the live disk), and the runs of blocks
 * whose digests differ: the only bytes written.
 */

export const DIGEST = 32;
/** the smallest block: a file system's 4 KiB writes cost at most 4x, 1 MiB of contiguous change at most 1.03x */
export const MIN_BLOCK = 16 * 1024;
/** digests kept per side (32 MiB each): larger disks get larger blocks */
export const MAX_BLOCKS = 1 << 20;

/**
 * The block size for a disk: 16 KiB, doubled until the disk has at most MAX_BLOCKS blocks (a
 * 16 GiB disk keeps 16 KiB, a 64 GiB disk gets 64 KiB), never beyond the engine's chunk, which it
 * divides. A contiguous change of L bytes costs at most L + 2 blocks to write.
 */
export function pickBlockSize(size: number, chunkSize: number): number {
  let b = MIN_BLOCK;
  while (b < chunkSize && Math.ceil(size / b) > MAX_BLOCKS) b *= 2;
  if (chunkSize % b !== 0) throw new RangeError(`The block size ${b} does not divide the chunk size ${chunkSize}.`);
  return b;
}

const zeroDigests = new Map<number, Buffer>();
/** SHA-256 of `length` zero bytes (a hole, or a block the live disk does not allocate). */
export function zeroDigest(length: number): Buffer {
  let d = zeroDigests.get(length);
  if (!d) {
    d = hash('sha256', Buffer.alloc(length), 'buffer');
    zeroDigests.set(length, d);
  }
  return d;
}

/** One digest per block of a disk; every block starts as zeros (what a hole or unallocated range reads as). */
export class BlockDigests {
  readonly count: number;
  readonly digests: Buffer;

  constructor(
    readonly size: number,
    readonly blockSize: number,
  ) {
    this.count = Math.ceil(size / blockSize);
    this.digests = Buffer.allocUnsafe(this.count * DIGEST);
    const full = zeroDigest(blockSize);
    for (let i = 0; i < this.count; i++) full.copy(this.digests, i * DIGEST);
    if (this.count > 0) zeroDigest(this.lengthOf(this.count - 1)).copy(this.digests, (this.count - 1) * DIGEST);
  }

  /** bytes in block i (the last one may be shorter) */
  lengthOf(i: number): number {
    return Math.min(this.blockSize, this.size - i * this.blockSize);
  }

  get(i: number): Buffer {
    return this.digests.subarray(i * DIGEST, (i + 1) * DIGEST);
  }

  set(i: number, digest: Buffer): void {
    if (i < 0 || i >= this.count || digest.length !== DIGEST) throw new RangeError(`No block ${i} of ${this.count}.`);
    digest.copy(this.digests, i * DIGEST);
  }

  /** hashes `data`, which starts at a block boundary, into its blocks */
  hashAt(offset: number, data: Buffer): void {
    if (offset % this.blockSize !== 0) throw new RangeError(`Data at ${offset} does not start on a block of ${this.blockSize}.`);
    const first = offset / this.blockSize;
    for (let at = 0, i = first; at < data.length; at += this.blockSize, i++) {
      this.set(i, hash('sha256', data.subarray(at, Math.min(data.length, at + this.blockSize)), 'buffer'));
    }
  }

  /** whether block i holds zeros only (as far as its digest tells) */
  isZero(i: number): boolean {
    return this.get(i).equals(zeroDigest(this.lengthOf(i)));
  }
}

/** Byte ranges widened to whole blocks and merged: what the live disk must hash (its data; the rest reads as zeros). */
export function blockAligned(ranges: readonly Range[], blockSize: number, size: number): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    if (r.length <= 0) continue;
    const start = Math.floor(r.offset / blockSize) * blockSize;
    const end = Math.min(size, Math.ceil((r.offset + r.length) / blockSize) * blockSize);
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last && start <= last.offset + last.length) last.length = Math.max(last.length, end - last.offset);
    else out.push({ offset: start, length: end - start });
  }
  return out;
}

/** A run of consecutive blocks to write: zeros (WRITE_ZEROES) or data read from the restore point. */
export interface WriteRun extends Range {
  zero: boolean;
}

/**
 * The blocks where the live disk differs from the restore point, as runs of at most `maxRun`
 * bytes (contiguous blocks of the same kind merged): exactly these bytes are written.
 */
export function differingRuns(wanted: BlockDigests, live: BlockDigests, maxRun = 4 * 1024 * 1024): WriteRun[] {
  if (wanted.size !== live.size || wanted.blockSize !== live.blockSize) throw new RangeError('Both sides must cut the same disk into the same blocks.');
  const runs: WriteRun[] = [];
  for (let i = 0; i < wanted.count; i++) {
    if (wanted.digests.compare(live.digests, i * DIGEST, (i + 1) * DIGEST, i * DIGEST, (i + 1) * DIGEST) === 0) continue;
    const offset = i * wanted.blockSize;
    const length = wanted.lengthOf(i);
    const zero = wanted.isZero(i);
    const last = runs[runs.length - 1];
    if (last && last.zero === zero && last.offset + last.length === offset && last.length + length <= maxRun) last.length += length;
    else runs.push({ offset, length, zero });
  }
  return runs;
}

/** The block-aligned ranges runs cover (what is hashed again after writing). */
export const runRanges = (runs: readonly WriteRun[], blockSize: number, size: number): Range[] => blockAligned(runs, blockSize, size);

/** Blocks inside `runs` whose digests differ between two sides: after writing, there must be none. */
export function mismatchedBlocks(wanted: BlockDigests, after: BlockDigests, runs: readonly Range[]): { count: number; first: number | null } {
  let count = 0;
  let first: number | null = null;
  for (const r of runs) {
    const end = Math.ceil((r.offset + r.length) / wanted.blockSize);
    for (let i = Math.floor(r.offset / wanted.blockSize); i < end; i++) {
      if (wanted.get(i).equals(after.get(i))) continue;
      count++;
      first ??= i * wanted.blockSize;
    }
  }
  return { count, first };
}
