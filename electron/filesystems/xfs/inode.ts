import { check } from '../errors';

export const FORMAT = { dev: 0, local: 1, extents: 2, btree: 3 } as const;
const BIGTIME = 0x8n;

/** The fields of an XFS version 3 inode (struct xfs_dinode) this reader uses. */
export interface XfsInode {
  ino: bigint;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  format: number;
  nextents: number;
  /** the data fork: extents, a B+tree root, a short-form folder or a symlink target */
  fork: Buffer;
}

export function parseInode(ino: bigint, b: Buffer): XfsInode {
  check(b.readUInt16BE(0) === 0x494e, () => `inode ${ino} has no magic`);
  check(b[4] === 3, () => `inode ${ino} is not a version 3 inode`);
  const size = Number(b.readBigUInt64BE(56));
  check(Number.isSafeInteger(size) && size >= 0, () => `inode ${ino} gives an impossible size`);
  const forkOff = b[82]! * 8;
  const end = forkOff ? 176 + forkOff : b.length;
  check(end <= b.length, () => `inode ${ino} places its attribute fork outside the inode`);
  const flags2 = b.readBigUInt64BE(120);
  return {
    ino,
    mode: b.readUInt16BE(2),
    uid: b.readUInt32BE(8),
    gid: b.readUInt32BE(12),
    size,
    mtimeMs: timestamp(b.subarray(40, 48), (flags2 & BIGTIME) !== 0n),
    format: b[5]!,
    // with the large extent counter (nrext64), the count moves to di_big_nextents
    nextents: b.readUInt32BE(76) || Number(b.readBigUInt64BE(24) & 0xffffffffffffn),
    fork: Buffer.from(b.subarray(176, end)),
  };
}

/** Seconds + nanoseconds, or with bigtime nanoseconds since 1901-12-13 (the signed 32-bit epoch's start). */
function timestamp(t: Buffer, bigtime: boolean): number {
  if (bigtime) {
    const ns = t.readBigUInt64BE(0);
    return Number(ns / 1_000_000n) - 2 ** 31 * 1000 + Number(ns % 1_000_000n) / 1e6;
  }
  return t.readInt32BE(0) * 1000 + Math.min(t.readUInt32BE(4), 999_999_999) / 1e6;
}
