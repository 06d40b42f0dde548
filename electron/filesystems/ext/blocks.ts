import { check } from '../errors';
import { readExact, type ByteSource } from '../source';
import type { Run } from '../runs';
import { FLAGS, type Inode } from './inode';
import type { Superblock } from './superblock';

const EXTENT_MAGIC = 0xf30a;
/** The kernel's limit; a deeper tree is crafted. */
const MAX_DEPTH = 5;
/** Bounds the memory a crafted tree can make us hold; ~100 MB of runs, far more than a real file has. */
const MAX_RUNS = 4_000_000;

/** Every run of a file's blocks, in logical order: from its extent tree (ext4) or its block pointers (ext2/3). */
export async function blockRuns(vol: ByteSource, sb: Superblock, inode: Inode): Promise<Run[]> {
  const lastLogical = Math.ceil(inode.size / sb.blockSize);
  return (inode.flags & FLAGS.extents) !== 0 ? extentRuns(vol, sb, inode.block) : pointerRuns(vol, sb, inode.block, lastLogical);
}

async function extentRuns(vol: ByteSource, sb: Superblock, root: Buffer): Promise<Run[]> {
  const runs: Run[] = [];
  const seen = new Set<number>();
  let nextLogical = 0;
  const visit = async (node: Buffer, depth: number | null): Promise<void> => {
    check(node.readUInt16LE(0) === EXTENT_MAGIC, 'an extent tree node has no magic');
    const entries = node.readUInt16LE(2);
    const max = node.readUInt16LE(4);
    const d = node.readUInt16LE(6);
    check(entries <= max && 12 + 12 * max <= node.length, 'an extent tree node counts more entries than it holds');
    check(depth === null ? d <= MAX_DEPTH : d === depth, 'an extent tree has an impossible depth');
    for (let i = 0; i < entries; i++) {
      const e = node.subarray(12 + 12 * i, 24 + 12 * i);
      if (d === 0) {
        const raw = e.readUInt16LE(4);
        const unwritten = raw > 32768;
        const length = unwritten ? raw - 32768 : raw;
        const logical = e.readUInt32LE(0);
        const physical = e.readUInt16LE(6) * 2 ** 32 + e.readUInt32LE(8);
        check(logical >= nextLogical, 'extents overlap or are out of order');
        check(physical + length <= sb.blocksCount, 'an extent points past the end of the file system');
        check(runs.length < MAX_RUNS, 'a file has more extents than this reader holds');
        if (length > 0) runs.push({ logical, physical: unwritten ? null : physical, length });
        nextLogical = logical + length;
      } else {
        const child = e.readUInt16LE(8) * 2 ** 32 + e.readUInt32LE(4);
        check(child < sb.blocksCount && child > sb.firstDataBlock, 'an extent index points outside the file system');
        check(!seen.has(child), 'an extent tree points at one of its nodes twice');
        seen.add(child);
        await visit(await readExact(vol, child * sb.blockSize, sb.blockSize, 'an extent tree node'), d - 1);
      }
    }
  };
  await visit(root, null);
  return runs;
}

/** ext2/3 block pointers: 12 direct, then single, double and triple indirect blocks; 0 is a hole. */
async function pointerRuns(vol: ByteSource, sb: Superblock, block: Buffer, blocks: number): Promise<Run[]> {
  const runs: Run[] = [];
  const per = sb.blockSize / 4;
  let logical = 0;
  // a file holds no more blocks than its file system: bounds the work of pointers crafted to repeat
  let allocated = 0;
  const add = (physical: number) => {
    if (physical !== 0) {
      check(physical < sb.blocksCount, 'a block pointer points past the end of the file system');
      check(++allocated <= sb.blocksCount, 'a file maps more blocks than its file system has');
    }
    check(runs.length < MAX_RUNS, 'a file has more fragments than this reader holds');
    const p = physical === 0 ? null : physical;
    const last = runs.at(-1);
    if (last && last.logical + last.length === logical && (last.physical === null ? p === null : p === last.physical + last.length)) last.length += 1;
    else runs.push({ logical, physical: p, length: 1 });
    logical += 1;
  };
  const indirect = async (ptr: number, level: number): Promise<void> => {
    const span = per ** level;
    if (ptr === 0) {
      // a hole the size of everything this pointer would have covered
      const n = Math.min(span, blocks - logical);
      const last = runs.at(-1);
      if (last && last.physical === null && last.logical + last.length === logical) last.length += n;
      else runs.push({ logical, physical: null, length: n });
      logical += n;
      return;
    }
    check(ptr < sb.blocksCount, 'an indirect block points past the end of the file system');
    check(++allocated <= sb.blocksCount, 'a file maps more blocks than its file system has');
    const b = await readExact(vol, ptr * sb.blockSize, sb.blockSize, 'an indirect block');
    for (let i = 0; i < per && logical < blocks; i++) {
      const p = b.readUInt32LE(4 * i);
      if (level === 1) add(p);
      else await indirect(p, level - 1);
    }
  };
  for (let i = 0; i < 12 && logical < blocks; i++) add(block.readUInt32LE(4 * i));
  for (let level = 1; level <= 3 && logical < blocks; level++) await indirect(block.readUInt32LE(44 + 4 * level), level);
  return runs;
}
