import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blockAligned, BlockDigests, differingRuns, mismatchedBlocks, MIN_BLOCK, pickBlockSize } from './block-diff';
import { totalLength } from './allocation';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Both sides of a disk: the restore point's bytes and a changed copy, hashed as a differential restore hashes them. */
function sides(wantedBytes: Buffer, liveBytes: Buffer, bs: number): { wanted: BlockDigests; live: BlockDigests } {
  const wanted = new BlockDigests(wantedBytes.length, bs);
  const live = new BlockDigests(liveBytes.length, bs);
  wanted.hashAt(0, wantedBytes);
  live.hashAt(0, liveBytes);
  return { wanted, live };
}

/** Bytes that differ, one by one. */
const differing = (a: Buffer, b: Buffer): number => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
};

/** Applies the runs to `live` from `wanted` as the restore writes them; returns the bytes written. */
function apply(live: Buffer, wanted: Buffer, runs: { offset: number; length: number; zero: boolean }[]): number {
  let n = 0;
  for (const r of runs) {
    if (r.zero) live.fill(0, r.offset, r.offset + r.length);
    else wanted.copy(live, r.offset, r.offset, r.offset + r.length);
    n += r.length;
  }
  return n;
}

describe('block size', () => {
  it('is 16 KiB up to 16 GiB, then doubles so both sides keep at most a million digests, and always divides the chunk', () => {
    expect(pickBlockSize(1 * 1024 * MiB, 4 * MiB)).toBe(MIN_BLOCK);
    expect(pickBlockSize(16 * 1024 * MiB, 4 * MiB)).toBe(16 * KiB);
    expect(pickBlockSize(16 * 1024 * MiB + 1, 4 * MiB)).toBe(32 * KiB);
    expect(pickBlockSize(64 * 1024 * MiB, 4 * MiB)).toBe(64 * KiB);
    expect(pickBlockSize(1024 * 1024 * MiB, 4 * MiB)).toBe(1 * MiB);
    expect(pickBlockSize(64 * 1024 * 1024 * MiB, 4 * MiB)).toBe(4 * MiB);
  });
});

describe('differential restore planning', () => {
  const size = 8 * MiB + 5000; // a last block shorter than the others
  const bs = MIN_BLOCK;

  it('writes nothing when the disks are equal, and exactly the changed blocks otherwise; the result equals the restore point', () => {
    const wanted = randomBytes(size);
    const { wanted: w, live: l } = sides(wanted, Buffer.from(wanted), bs);
    expect(differingRuns(w, l)).toEqual([]);

    const live = Buffer.from(wanted);
    // three changes of the live disk at offsets that are not block-aligned, one in the short last block
    const changes = [
      { offset: 100_003, length: 1 * MiB },
      { offset: 5 * MiB + 777, length: 2 * MiB + 13 },
      { offset: size - 100, length: 60 },
    ];
    for (const c of changes) randomBytes(c.length).copy(live, c.offset);
    const changed = differing(wanted, live);
    const { wanted: w2, live: l2 } = sides(wanted, live, bs);
    const runs = differingRuns(w2, l2);
    const written = apply(live, wanted, runs);
    expect(live.equals(wanted)).toBe(true);
    // each change costs at most one partial block at either end
    expect(written).toBeLessThanOrEqual(changed + changes.length * 2 * bs);
    expect(written / changed).toBeLessThanOrEqual(1.1);
    expect(totalLength(runs)).toBe(written);
  });

  it('zeroes where the restore point has a hole and the live disk has data, and never writes a block that already matches', () => {
    const wanted = Buffer.alloc(size); // a hole: the digests start as zeros
    randomBytes(MiB).copy(wanted, 2 * MiB);
    const live = Buffer.from(wanted);
    randomBytes(300 * KiB).copy(live, 6 * MiB); // data written where the restore point has zeros
    const w = new BlockDigests(size, bs);
    w.hashAt(2 * MiB, wanted.subarray(2 * MiB, 3 * MiB)); // the restore point's only data
    const l = new BlockDigests(size, bs);
    l.hashAt(0, live);
    const runs = differingRuns(w, l);
    expect(runs).toEqual([{ offset: 6 * MiB, length: 304 * KiB, zero: true }]);
    apply(live, wanted, runs);
    expect(live.equals(wanted)).toBe(true);
  });

  it('finds blocks that still differ after writing, only inside what was written', () => {
    const wanted = randomBytes(size);
    const { wanted: w } = sides(wanted, wanted, bs);
    const after = new BlockDigests(size, bs);
    after.hashAt(MiB, wanted.subarray(MiB, 2 * MiB));
    expect(mismatchedBlocks(w, after, [{ offset: MiB, length: MiB }])).toEqual({ count: 0, first: null });
    after.hashAt(MiB + 2 * bs, Buffer.alloc(bs));
    expect(mismatchedBlocks(w, after, [{ offset: MiB, length: MiB }])).toEqual({ count: 1, first: MiB + 2 * bs });
  });

  it('widens the live disk\'s data ranges to whole blocks, merged and clipped to the disk', () => {
    expect(blockAligned([{ offset: 1, length: 10 }, { offset: bs + 5, length: 1 }, { offset: 3 * bs, length: bs }, { offset: size - 1, length: 1 }], bs, size)).toEqual([
      { offset: 0, length: 2 * bs },
      { offset: 3 * bs, length: bs },
      { offset: Math.floor((size - 1) / bs) * bs, length: size - Math.floor((size - 1) / bs) * bs },
    ]);
  });
});
