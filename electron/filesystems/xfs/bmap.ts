import { check } from '../errors';
import type { Run } from '../runs';
import { readExact, type ByteSource } from '../source';
import { FORMAT, type XfsInode } from './inode';
import { fsBlock, type XfsSuper } from './superblock';

const BMAP_MAGIC = 'BMA3';
const BLOCK_HEADER = 72;
const MAX_LEVEL = 9;
const MAX_RUNS = 4_000_000;

/** A file's runs, volume blocks from its start: from the extent list in the inode, or from its B+tree. */
export async function forkRuns(vol: ByteSource, sb: XfsSuper, inode: XfsInode): Promise<Run[]> {
  const runs: Run[] = [];
  if (inode.format === FORMAT.extents) {
    check(inode.nextents * 16 <= inode.fork.length, () => `inode ${inode.ino} counts more extents than its fork holds`);
    records(sb, inode.fork, inode.nextents, runs);
  } else if (inode.format === FORMAT.btree) {
    // the root in the inode: level, count, keys, then pointers after as many keys as the fork could hold
    const level = inode.fork.readUInt16BE(0);
    const n = inode.fork.readUInt16BE(2);
    const max = Math.floor((inode.fork.length - 4) / 16);
    check(level >= 1 && level <= MAX_LEVEL && n <= max, () => `inode ${inode.ino} has an impossible B+tree root`);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) await node(vol, sb, Number(inode.fork.readBigUInt64BE(4 + max * 8 + i * 8)), level - 1, runs, seen);
  } else check(false, () => `inode ${inode.ino} keeps its data in an unexpected form (${inode.format})`);
  return runs;
}

async function node(vol: ByteSource, sb: XfsSuper, fsbno: number, level: number, runs: Run[], seen: Set<number>): Promise<void> {
  const block = fsBlock(sb, fsbno);
  check(!seen.has(block), 'a B+tree points at one of its blocks twice');
  seen.add(block);
  const b = await readExact(vol, block * sb.blockSize, sb.blockSize, 'a B+tree block');
  check(b.toString('latin1', 0, 4) === BMAP_MAGIC && b.readUInt16BE(4) === level, 'a B+tree block has no magic or the wrong level');
  const n = b.readUInt16BE(6);
  const max = Math.floor((sb.blockSize - BLOCK_HEADER) / 16);
  check(n <= max, 'a B+tree block counts more records than it holds');
  if (level === 0) return records(sb, b.subarray(BLOCK_HEADER), n, runs);
  for (let i = 0; i < n; i++) await node(vol, sb, Number(b.readBigUInt64BE(BLOCK_HEADER + max * 8 + i * 8)), level - 1, runs, seen);
}

/** Extent records (128 bits: unwritten flag, 54-bit file offset, 52-bit block, 21-bit length), in file order. */
function records(sb: XfsSuper, b: Buffer, n: number, runs: Run[]): void {
  for (let i = 0; i < n; i++) {
    const hi = b.readBigUInt64BE(16 * i);
    const lo = b.readBigUInt64BE(16 * i + 8);
    const unwritten = hi >> 63n === 1n;
    const logical = Number((hi >> 9n) & ((1n << 54n) - 1n));
    const start = Number(((hi & 0x1ffn) << 43n) | (lo >> 21n));
    const length = Number(lo & 0x1fffffn);
    const last = runs.at(-1);
    check(!last || logical >= last.logical + last.length, 'extents overlap or are out of order');
    check(runs.length < MAX_RUNS, 'a file has more extents than this reader holds');
    const physical = fsBlock(sb, start);
    check(fsBlock(sb, start + Math.max(0, length - 1)) === physical + Math.max(0, length - 1), 'an extent crosses an allocation group');
    if (length > 0) runs.push({ logical, physical: unwritten ? null : physical, length });
  }
}
