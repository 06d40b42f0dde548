import { check } from '../errors';

/** The XFS superblock fields this reader uses (big-endian, struct xfs_dsb). */
export interface XfsSuper {
  blockSize: number;
  dblocks: number;
  agBlocks: number;
  agCount: number;
  agBlockLog: number;
  inodeSize: number;
  inodesPerBlockLog: number;
  rootIno: bigint;
  dirBlockSize: number;
  ftype: boolean;
  label: string | null;
  uuid: string;
}

const INCOMPAT_FTYPE = 0x1;
/** incompat features a reader of metadata must know: ftype, sparse inodes, meta uuid, bigtime, needsrepair, nrext64 */
const KNOWN_INCOMPAT = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20;

export function parseSuper(b: Buffer, volumeSize: number): XfsSuper {
  check(b.toString('latin1', 0, 4) === 'XFSB', 'no XFS superblock');
  const version = b.readUInt16BE(100) & 0xf;
  check(version === 5, `this is an XFS version ${version} file system: only version 5 (every XFS made since 2014) is read`);
  const blockSize = b.readUInt32BE(4);
  const blockLog = b[120]!;
  check(blockLog >= 9 && blockLog <= 16 && blockSize === 2 ** blockLog, 'the XFS superblock gives an impossible block size');
  const inodeSize = b.readUInt16BE(104);
  const inodeLog = b[122]!;
  check(inodeLog >= 8 && inodeLog <= 11 && inodeSize === 2 ** inodeLog && inodeSize <= blockSize, 'the XFS superblock gives an impossible inode size');
  check(b[123] === blockLog - inodeLog, 'the XFS superblock gives an impossible inodes-per-block count');
  const agBlocks = b.readUInt32BE(84);
  const agCount = b.readUInt32BE(88);
  const agBlockLog = b[124]!;
  check(agBlocks > 0 && agCount > 0 && agBlockLog <= 31 && 2 ** agBlockLog >= agBlocks && 2 ** (agBlockLog - 1) < agBlocks, 'the XFS superblock gives impossible allocation groups');
  const dblocks = Number(b.readBigUInt64BE(8));
  check(Number.isSafeInteger(dblocks * blockSize) && dblocks <= agBlocks * agCount, 'the XFS superblock gives an impossible size');
  check(dblocks * blockSize <= volumeSize || volumeSize === 0, () => `the file system (${dblocks * blockSize} bytes) is larger than its volume (${volumeSize} bytes)`);
  const incompat = b.readUInt32BE(216);
  check((incompat & ~KNOWN_INCOMPAT) === 0, () => `the XFS file system uses features this reader does not know (incompat 0x${(incompat & ~KNOWN_INCOMPAT).toString(16)})`);
  const dirBlockLog = b[192]!;
  check(dirBlockLog <= 6, 'the XFS superblock gives an impossible directory block size');
  const label = b.toString('latin1', 108, 120).replace(/\0.*$/s, '');
  const h = b.subarray(32, 48).toString('hex');
  return {
    blockSize,
    dblocks,
    agBlocks,
    agCount,
    agBlockLog,
    inodeSize,
    inodesPerBlockLog: b[123]!,
    rootIno: b.readBigUInt64BE(56),
    dirBlockSize: blockSize << dirBlockLog,
    ftype: (incompat & INCOMPAT_FTYPE) !== 0,
    label: label || null,
    uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
  };
}

/** Byte offset of an inode: its number packs the allocation group, the block in it and the slot in the block. */
export function inodeOffset(sb: XfsSuper, ino: bigint): number {
  const agShift = BigInt(sb.agBlockLog + sb.inodesPerBlockLog);
  const ag = Number(ino >> agShift);
  const agBlock = Number((ino >> BigInt(sb.inodesPerBlockLog)) & ((1n << BigInt(sb.agBlockLog)) - 1n));
  const slot = Number(ino & ((1n << BigInt(sb.inodesPerBlockLog)) - 1n));
  check(ag < sb.agCount && agBlock < sb.agBlocks, () => `inode ${ino} does not exist`);
  return (ag * sb.agBlocks + agBlock) * sb.blockSize + slot * sb.inodeSize;
}

/** A file-system block number (allocation group in the high bits) as a block from the start of the volume. */
export function fsBlock(sb: XfsSuper, fsbno: number): number {
  const ag = Math.floor(fsbno / 2 ** sb.agBlockLog);
  const agBlock = fsbno % 2 ** sb.agBlockLog;
  check(ag < sb.agCount && agBlock < sb.agBlocks, () => `a block pointer points outside the file system (${fsbno})`);
  return ag * sb.agBlocks + agBlock;
}
