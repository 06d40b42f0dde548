import { check } from '../errors';

export interface DirEntry {
  ino: number;
  name: Buffer;
}

/**
 * The entries of directory blocks (struct ext4_dir_entry_2). Hashed (htree) directories read the
 * same way: their index blocks look like one empty entry, by design. Entries with inode 0 (deleted,
 * or the checksum tail) and "." / ".." are left out.
 */
export function parseDirBlock(b: Buffer, hasFileType: boolean, out: DirEntry[]): void {
  for (let at = 0; at + 8 <= b.length;) {
    const ino = b.readUInt32LE(at);
    let recLen = b.readUInt16LE(at + 4);
    if (b.length === 65536 && (recLen === 0 || recLen === 65535)) recLen = 65536;
    const nameLen = hasFileType ? b[at + 6]! : b.readUInt16LE(at + 6);
    check(recLen >= 8 && recLen % 4 === 0 && at + recLen <= b.length, 'a directory entry has an impossible length');
    check(8 + nameLen <= recLen, 'a directory entry name runs past its entry');
    if (ino !== 0 && nameLen > 0) {
      const name = Buffer.from(b.subarray(at + 8, at + 8 + nameLen));
      const dots = (nameLen === 1 && name[0] === 0x2e) || (nameLen === 2 && name[0] === 0x2e && name[1] === 0x2e);
      if (!dots) out.push({ ino, name });
    }
    at += recLen;
  }
}
