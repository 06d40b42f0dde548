import { check } from '../errors';

export const FLAGS = { extents: 0x80000, inlineData: 0x10000000 } as const;

/** The fields of struct ext4_inode this reader uses. */
export interface Inode {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  links: number;
  flags: number;
  /** i_block: the extent tree root, block pointers, a fast symlink or inline data (60 bytes) */
  block: Buffer;
  /** the in-inode extended attribute area (after i_extra_isize), for inline data */
  xattrs: Buffer;
}

export function parseInode(ino: number, b: Buffer): Inode {
  const size = b.readUInt32LE(4) + b.readUInt32LE(108) * 2 ** 32;
  check(Number.isSafeInteger(size), 'an inode gives an impossible size');
  const extra = b.length > 128 ? b.readUInt16LE(128) : 0;
  check(b.length === 128 || 128 + extra <= b.length, 'an inode gives an impossible extra size');
  let seconds = b.readInt32LE(16);
  let nanos = 0;
  if (extra >= 12) {
    // i_mtime_extra: two epoch bits (dates past 2038) and nanoseconds
    const mx = b.readUInt32LE(136);
    seconds += (mx & 3) * 2 ** 32;
    nanos = mx >>> 2;
  }
  return {
    ino,
    mode: b.readUInt16LE(0),
    uid: (b.readUInt16LE(2) | (b.readUInt16LE(120) << 16)) >>> 0,
    gid: (b.readUInt16LE(24) | (b.readUInt16LE(122) << 16)) >>> 0,
    size,
    mtimeMs: seconds * 1000 + Math.min(nanos, 999_999_999) / 1e6,
    links: b.readUInt16LE(26),
    flags: b.readUInt32LE(32),
    block: Buffer.from(b.subarray(40, 100)),
    xattrs: Buffer.from(b.subarray(Math.min(b.length, 128 + extra))),
  };
}

/** The value of the in-inode attribute "system.data": inline data past the first 60 bytes. */
export function inlineDataTail(xattrs: Buffer): Buffer {
  if (xattrs.length < 4 || xattrs.readUInt32LE(0) !== 0xea020000) return Buffer.alloc(0);
  const base = 4;
  for (let at = base; at + 16 <= xattrs.length;) {
    if (xattrs.readUInt32LE(at) === 0) break;
    const nameLen = xattrs[at]!;
    const index = xattrs[at + 1]!;
    const valueOffs = xattrs.readUInt16LE(at + 2);
    const valueSize = xattrs.readUInt32LE(at + 8);
    const name = xattrs.subarray(at + 16, at + 16 + nameLen).toString('latin1');
    if (index === 7 && name === 'data') {
      check(base + valueOffs + valueSize <= xattrs.length, 'inline data lies outside its inode');
      return Buffer.from(xattrs.subarray(base + valueOffs, base + valueOffs + valueSize));
    }
    at += (16 + nameLen + 3) & ~3;
  }
  return Buffer.alloc(0);
}
