import { check, DamagedError } from '../errors';
import { dataRangesOf, readRuns, type Run } from '../runs';
import { readExact, type ByteSource } from '../source';
import { typeOfMode, type ByteRange, type FileSystem, type FsNode } from '../types';
import { forkRuns } from './bmap';
import { parseDirBlock, parseShortForm, type XfsDirEntry } from './directory';
import { FORMAT, parseInode, type XfsInode } from './inode';
import { inodeOffset, parseSuper, type XfsSuper } from './superblock';

/** Folder data blocks live below this byte offset of the folder; its hash index lies above. */
const DIR_LEAF_OFFSET = 32 * 1024 ** 3;
const MAX_DIR_BYTES = 256 * 1024 * 1024;
const SYMLINK_HEADER = 56;
const MAX_SYMLINK = 1024;

/**
 * XFS version 5, read-only: inodes, extent lists and B+trees, short-form, block, leaf and node
 * folders (read through their data blocks), local and remote symlinks. A node's ref is its inode
 * number (below 2^53 on any real file system).
 */
export class XfsFileSystem implements FileSystem {
  readonly kind = 'xfs' as const;
  readonly label: string | null;
  readonly uuid: string;
  private readonly inodes = new Map<number, XfsInode>();
  private readonly runs = new Map<number, Run[]>();

  private constructor(
    private readonly vol: ByteSource,
    private readonly sb: XfsSuper,
  ) {
    this.label = sb.label;
    this.uuid = sb.uuid;
  }

  static async open(vol: ByteSource): Promise<XfsFileSystem> {
    return new XfsFileSystem(vol, parseSuper(await readExact(vol, 0, 512, 'the XFS superblock'), vol.size));
  }

  async root(): Promise<FsNode> {
    const inode = await this.inode(this.sb.rootIno);
    check(typeOfMode(inode.mode) === 'dir', 'the root inode is not a directory');
    return this.node(Buffer.alloc(0), inode);
  }

  async list(dir: FsNode): Promise<FsNode[]> {
    const inode = await this.inode(BigInt(dir.ref));
    check(typeOfMode(inode.mode) === 'dir', 'not a directory');
    let entries: XfsDirEntry[] = [];
    if (inode.format === FORMAT.local) entries = parseShortForm(inode.fork, inode.size, this.sb.ftype);
    else {
      const runs = await this.runsOf(inode);
      const dbs = this.sb.dirBlockSize;
      let bytes = 0;
      for (const r of runs) {
        if (r.physical === null) continue;
        for (let lb = r.logical; lb < r.logical + r.length; lb += dbs / this.sb.blockSize) {
          if (lb * this.sb.blockSize >= DIR_LEAF_OFFSET) break;
          bytes += dbs;
          check(bytes <= MAX_DIR_BYTES, 'a folder is larger than any real one');
          parseDirBlock(await readRuns(this.vol, this.sb.blockSize, runs, lb * this.sb.blockSize, dbs), this.sb.ftype, entries);
        }
      }
    }
    const out: FsNode[] = [];
    for (const e of entries) out.push(this.node(e.name, await this.inode(e.ino)));
    return out;
  }

  async read(file: FsNode, offset: number, length: number): Promise<Buffer> {
    const inode = await this.inode(BigInt(file.ref));
    check(typeOfMode(inode.mode) === 'file', 'not a file');
    const len = Math.max(0, Math.min(length, inode.size - offset));
    if (len === 0) return Buffer.alloc(0);
    return readRuns(this.vol, this.sb.blockSize, await this.runsOf(inode), offset, len);
  }

  async dataRanges(file: FsNode): Promise<ByteRange[]> {
    const inode = await this.inode(BigInt(file.ref));
    return inode.size ? dataRangesOf(await this.runsOf(inode), this.sb.blockSize, inode.size) : [];
  }

  async readlink(link: FsNode): Promise<Buffer> {
    const inode = await this.inode(BigInt(link.ref));
    check(typeOfMode(inode.mode) === 'symlink' && inode.size <= MAX_SYMLINK, 'not a symbolic link, or longer than any real one');
    if (inode.format === FORMAT.local) {
      check(inode.size <= inode.fork.length, 'a symbolic link is longer than its inode');
      return Buffer.from(inode.fork.subarray(0, inode.size));
    }
    // remote: blocks that each start with a header naming the link's inode
    const runs = await this.runsOf(inode);
    const parts: Buffer[] = [];
    let got = 0;
    for (const r of runs) {
      for (let i = 0; i < r.length && got < inode.size && r.physical !== null; i++) {
        const b = await readExact(this.vol, (r.physical + i) * this.sb.blockSize, this.sb.blockSize, 'a symbolic link block');
        check(b.toString('latin1', 0, 4) === 'XSLM', 'a symbolic link block has no magic');
        const n = Math.min(b.readUInt32BE(8), this.sb.blockSize - SYMLINK_HEADER, inode.size - got);
        parts.push(b.subarray(SYMLINK_HEADER, SYMLINK_HEADER + n));
        got += n;
      }
    }
    check(got === inode.size, 'a symbolic link is shorter than its size says');
    return Buffer.concat(parts);
  }

  private async runsOf(inode: XfsInode): Promise<Run[]> {
    const key = Number(inode.ino);
    let runs = this.runs.get(key);
    if (!runs) {
      runs = await forkRuns(this.vol, this.sb, inode);
      this.runs.set(key, runs);
      if (this.runs.size > 64) this.runs.delete(this.runs.keys().next().value as number);
    }
    return runs;
  }

  private async inode(ino: bigint): Promise<XfsInode> {
    check(ino > 0n && ino < 2n ** 53n, () => `inode ${ino} does not exist`);
    const key = Number(ino);
    const hit = this.inodes.get(key);
    if (hit) return hit;
    let inode: XfsInode;
    try {
      inode = parseInode(ino, await readExact(this.vol, inodeOffset(this.sb, ino), this.sb.inodeSize, `inode ${ino}`));
    } catch (e) {
      throw e instanceof DamagedError && !e.what.startsWith('inode') ? new DamagedError(`inode ${ino}: ${e.what}`) : e;
    }
    this.inodes.set(key, inode);
    if (this.inodes.size > 4096) this.inodes.delete(this.inodes.keys().next().value as number);
    return inode;
  }

  private node(name: Buffer, i: XfsInode): FsNode {
    return { name, type: typeOfMode(i.mode), size: i.size, mode: i.mode, uid: i.uid, gid: i.gid, mtimeMs: i.mtimeMs, ref: Number(i.ino) };
  }
}
