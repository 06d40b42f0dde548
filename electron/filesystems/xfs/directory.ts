import { check } from '../errors';

export interface XfsDirEntry {
  ino: bigint;
  name: Buffer;
}

/** A short-form folder, kept in the inode: count, 4- or 8-byte inode numbers, entries. */
export function parseShortForm(fork: Buffer, size: number, ftype: boolean): XfsDirEntry[] {
  check(size <= fork.length && size >= 6, 'a short-form folder is larger than its inode');
  const b = fork.subarray(0, size);
  const count = b[0]!;
  const i8 = b[1]!;
  const inoSize = i8 ? 8 : 4;
  const out: XfsDirEntry[] = [];
  let at = 2 + inoSize;
  for (let i = 0; i < (count || i8); i++) {
    check(at + 3 <= b.length, 'a short-form folder entry runs past its folder');
    const len = b[at]!;
    const nameAt = at + 3;
    const inoAt = nameAt + len + (ftype ? 1 : 0);
    check(len > 0 && inoAt + inoSize <= b.length, 'a short-form folder entry runs past its folder');
    out.push({ ino: inoSize === 8 ? b.readBigUInt64BE(inoAt) : BigInt(b.readUInt32BE(inoAt)), name: Buffer.from(b.subarray(nameAt, nameAt + len)) });
    at = inoAt + inoSize;
  }
  return out;
}

const DATA_HEADER = 64;
const BLOCK_MAGIC = 0x58444233; // XDB3: a single-block folder (entries, then its hash leaf)
const DATA_MAGIC = 0x58444433; // XDD3: a data block of a leaf or node folder

/** The entries of one directory block (block or data form); "." and ".." are left out. */
export function parseDirBlock(b: Buffer, ftype: boolean, out: XfsDirEntry[]): void {
  const magic = b.readUInt32BE(0);
  check(magic === BLOCK_MAGIC || magic === DATA_MAGIC, 'a folder block has no magic');
  let end = b.length;
  if (magic === BLOCK_MAGIC) {
    const leaves = b.readUInt32BE(b.length - 8);
    end = b.length - 8 - leaves * 8;
    check(end >= DATA_HEADER, 'a folder block counts more hash entries than it holds');
  }
  for (let at = DATA_HEADER; at < end; ) {
    check(at + 8 <= end, 'a folder entry runs past its block');
    if (b.readUInt16BE(at) === 0xffff) {
      const free = b.readUInt16BE(at + 2);
      check(free >= 8 && free % 8 === 0 && at + free <= end, 'a free space record has an impossible length');
      at += free;
      continue;
    }
    check(at + 11 <= end, 'a folder entry runs past its block');
    const ino = b.readBigUInt64BE(at);
    const len = b[at + 8]!;
    const size = (8 + 1 + len + (ftype ? 1 : 0) + 2 + 7) & ~7;
    check(len > 0 && at + size <= end, 'a folder entry runs past its block');
    const name = Buffer.from(b.subarray(at + 9, at + 9 + len));
    const dots = (len === 1 && name[0] === 0x2e) || (len === 2 && name[0] === 0x2e && name[1] === 0x2e);
    if (!dots) out.push({ ino, name });
    at += size;
  }
}
