import { check } from '../errors';

/** ext2/3/4 superblock fields this reader uses (offsets as in the kernel's struct ext4_super_block). */
export interface Superblock {
  blockSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodesCount: number;
  inodeSize: number;
  descSize: number;
  groups: number;
  firstMetaBg: number;
  compat: number;
  incompat: number;
  roCompat: number;
  backupBgs: [number, number];
  label: string | null;
  uuid: string;
}

export const SUPERBLOCK_OFFSET = 1024;
export const EXT_MAGIC = 0xef53;

export const INCOMPAT = { filetype: 0x2, recover: 0x4, journalDev: 0x8, metaBg: 0x10, extents: 0x40, is64bit: 0x80, inlineData: 0x8000 } as const;
const COMPAT = { journal: 0x4, sparseSuper2: 0x200 } as const;
const RO_COMPAT_SPARSE_SUPER = 0x1;
/** incompat features this reader understands (compression 0x1 and a journal device 0x8 are not file systems it can read; dirdata 0x1000 is Lustre's) */
const KNOWN_INCOMPAT = 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000;

export function parseSuperblock(b: Buffer): Superblock {
  check(b.readUInt16LE(56) === EXT_MAGIC, 'no ext2/3/4 superblock');
  const logBlock = b.readUInt32LE(24);
  check(logBlock <= 6, 'the superblock gives an impossible block size');
  const blockSize = 1024 << logBlock;
  const incompat = b.readUInt32LE(96);
  const rev = b.readUInt32LE(76);
  const inodeSize = rev === 0 ? 128 : b.readUInt16LE(88);
  const is64 = (incompat & INCOMPAT.is64bit) !== 0;
  const descSize = is64 ? b.readUInt16LE(254) : 32;
  const blocksCount = b.readUInt32LE(4) + (is64 ? b.readUInt32LE(336) * 2 ** 32 : 0);
  const firstDataBlock = b.readUInt32LE(20);
  const blocksPerGroup = b.readUInt32LE(32);
  const inodesPerGroup = b.readUInt32LE(40);
  const inodesCount = b.readUInt32LE(0);
  check(
    (incompat & ~KNOWN_INCOMPAT) === 0,
    () => `the file system uses features this reader does not know (incompat 0x${(incompat & ~KNOWN_INCOMPAT).toString(16)})`,
  );
  check(inodeSize >= 128 && inodeSize <= blockSize && (inodeSize & (inodeSize - 1)) === 0, 'the superblock gives an impossible inode size');
  check(descSize >= 32 && descSize <= 1024 && (descSize & (descSize - 1)) === 0, 'the superblock gives an impossible group descriptor size');
  check(
    blocksPerGroup > 0 && blocksPerGroup <= 8 * blockSize && inodesPerGroup > 0 && inodesPerGroup <= 8 * blockSize,
    'the superblock gives impossible group sizes',
  );
  check(Number.isSafeInteger(blocksCount * blockSize) && blocksCount > firstDataBlock, 'the superblock gives an impossible block count');
  const groups = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  check(inodesCount <= groups * inodesPerGroup, 'the superblock counts more inodes than its groups hold');
  const label = b.subarray(120, 136).toString('utf8').replace(/\0.*$/s, '');
  return {
    blockSize,
    blocksCount,
    firstDataBlock,
    blocksPerGroup,
    inodesPerGroup,
    inodesCount,
    inodeSize,
    descSize,
    groups,
    firstMetaBg: b.readUInt32LE(260),
    compat: b.readUInt32LE(92),
    incompat,
    roCompat: b.readUInt32LE(100),
    backupBgs: [b.readUInt32LE(588), b.readUInt32LE(592)],
    label: label || null,
    uuid: uuidOf(b.subarray(104, 120)),
  };
}

export const has = (sb: Superblock, flag: number): boolean => (sb.incompat & flag) !== 0;

export function kindOf(sb: Superblock): 'ext2' | 'ext3' | 'ext4' {
  if ((sb.incompat & (INCOMPAT.extents | INCOMPAT.is64bit | 0x200 | INCOMPAT.inlineData)) !== 0) return 'ext4';
  return (sb.compat & COMPAT.journal) !== 0 ? 'ext3' : 'ext2';
}

/** Byte offset of group g's descriptor (meta_bg puts them in the first group of each meta group). */
export function descriptorOffset(sb: Superblock, g: number): number {
  const perBlock = sb.blockSize / sb.descSize;
  const metaGroup = Math.floor(g / perBlock);
  if (!has(sb, INCOMPAT.metaBg) || metaGroup < sb.firstMetaBg) return (sb.firstDataBlock + 1) * sb.blockSize + g * sb.descSize;
  const first = metaGroup * perBlock;
  const block = sb.firstDataBlock + first * sb.blocksPerGroup + (hasSuper(sb, first) ? 1 : 0);
  return block * sb.blockSize + (g % perBlock) * sb.descSize;
}

function hasSuper(sb: Superblock, g: number): boolean {
  if (g === 0) return true;
  if ((sb.compat & COMPAT.sparseSuper2) !== 0) return g === sb.backupBgs[0] || g === sb.backupBgs[1];
  if ((sb.roCompat & RO_COMPAT_SPARSE_SUPER) === 0 || g === 1) return true;
  for (const p of [3, 5, 7]) {
    let n = p;
    while (n < g) n *= p;
    if (n === g) return true;
  }
  return false;
}

function uuidOf(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
