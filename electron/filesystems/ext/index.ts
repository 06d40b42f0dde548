import { check, DamagedError } from '../errors';
import { readExact, type ByteSource } from '../source';
import { typeOfMode, type ByteRange, type FileSystem, type FsNode } from '../types';
import { dataRangesOf, readRuns, type Run } from '../runs';
import { blockRuns } from './blocks';
import { parseDirBlock, type DirEntry } from './directory';
import { FLAGS, inlineDataTail, parseInode, type Inode } from './inode';
import { descriptorOffset, EXT_MAGIC, has, INCOMPAT, kindOf, parseSuperblock, SUPERBLOCK_OFFSET, type Superblock } from './superblock';

/**
 * ext2/3/4, read-only, hand-written. The `ext2fs` package (libext2fs in WebAssembly) was tried
 * and left out: loading it installs process-wide handlers that rethrow any unhandled rejection
 * (crashing the core), one abort on a crafted image poisons its single module for the life of the
 * process, every call goes through one global queue, and it gives times in whole seconds.
 */
const ROOT_INO = 2;
/** A directory bigger than this is crafted (a million entries take ~40 MB). */
const MAX_DIR_BYTES = 256 * 1024 * 1024;
const MAX_SYMLINK = 4096;

export async function probeExt(vol: ByteSource): Promise<boolean> {
  const b = await vol.read(SUPERBLOCK_OFFSET + 56, 2);
  return b.length === 2 && b.readUInt16LE(0) === EXT_MAGIC;
}

export async function openExt(vol: ByteSource): Promise<ExtFileSystem> {
  const sb = parseSuperblock(await readExact(vol, SUPERBLOCK_OFFSET, 1024, 'the superblock'));
  check(
    sb.blocksCount * sb.blockSize <= vol.size || vol.size === 0,
    () => `the file system (${sb.blocksCount * sb.blockSize} bytes) is larger than its volume (${vol.size} bytes)`,
  );
  return new ExtFileSystem(vol, sb);
}

export class ExtFileSystem implements FileSystem {
  readonly kind: 'ext2' | 'ext3' | 'ext4';
  readonly label: string | null;
  readonly uuid: string;
  /** unreplayed journal: the instance was running when its disk was copied */
  readonly needsRecovery: boolean;
  private readonly tables = new Map<number, number>();
  private readonly inodes = new Map<number, Inode>();
  private readonly runs = new Map<number, Run[]>();

  constructor(
    private readonly vol: ByteSource,
    private readonly sb: Superblock,
  ) {
    this.kind = kindOf(sb);
    this.label = sb.label;
    this.uuid = sb.uuid;
    this.needsRecovery = has(sb, INCOMPAT.recover);
  }

  async root(): Promise<FsNode> {
    const inode = await this.inode(ROOT_INO);
    check(typeOfMode(inode.mode) === 'dir', 'the root inode is not a directory');
    return this.node(Buffer.alloc(0), inode);
  }

  async list(dir: FsNode): Promise<FsNode[]> {
    const inode = await this.inode(dir.ref);
    check(typeOfMode(inode.mode) === 'dir', 'not a directory');
    const entries: DirEntry[] = [];
    const fileType = has(this.sb, INCOMPAT.filetype);
    if ((inode.flags & FLAGS.inlineData) !== 0) {
      // the parent's inode number, then entries in the rest of i_block and in system.data
      parseDirBlock(inode.block.subarray(4), fileType, entries);
      const tail = inlineDataTail(inode.xattrs);
      if (tail.length > 0) parseDirBlock(tail, fileType, entries);
    } else {
      check(inode.size <= MAX_DIR_BYTES, 'a directory is larger than any real one');
      const data = await this.readInode(inode, 0, inode.size);
      for (let at = 0; at < data.length; at += this.sb.blockSize) parseDirBlock(data.subarray(at, at + this.sb.blockSize), fileType, entries);
    }
    const out: FsNode[] = [];
    for (const e of entries) out.push(this.node(e.name, await this.inode(e.ino)));
    return out;
  }

  async read(file: FsNode, offset: number, length: number): Promise<Buffer> {
    return this.readInode(await this.inode(file.ref), offset, length);
  }

  async dataRanges(file: FsNode): Promise<ByteRange[]> {
    const inode = await this.inode(file.ref);
    if ((inode.flags & FLAGS.inlineData) !== 0 || inode.size === 0) return inode.size ? [{ offset: 0, length: inode.size }] : [];
    return dataRangesOf(await this.runsOf(inode), this.sb.blockSize, inode.size);
  }

  async readlink(link: FsNode): Promise<Buffer> {
    const inode = await this.inode(link.ref);
    check(typeOfMode(inode.mode) === 'symlink', 'not a symbolic link');
    check(inode.size <= MAX_SYMLINK, 'a symbolic link longer than any real one');
    // a fast symlink keeps its target in i_block
    if ((inode.flags & (FLAGS.extents | FLAGS.inlineData)) === 0 && inode.size < 60) return Buffer.from(inode.block.subarray(0, inode.size));
    return this.readInode(inode, 0, inode.size);
  }

  private async readInode(inode: Inode, offset: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, inode.size - offset));
    if (len === 0) return Buffer.alloc(0);
    if ((inode.flags & FLAGS.inlineData) !== 0) return Buffer.concat([inode.block, inlineDataTail(inode.xattrs)]).subarray(offset, offset + len);
    return readRuns(this.vol, this.sb.blockSize, await this.runsOf(inode), offset, len);
  }

  private async runsOf(inode: Inode): Promise<Run[]> {
    let runs = this.runs.get(inode.ino);
    if (!runs) {
      runs = await blockRuns(this.vol, this.sb, inode);
      remember(this.runs, inode.ino, runs, 64);
    }
    return runs;
  }

  private async inode(ino: number): Promise<Inode> {
    const hit = this.inodes.get(ino);
    if (hit) return hit;
    check(ino >= 1 && ino <= this.sb.inodesCount, () => `inode ${ino} does not exist`);
    const g = Math.floor((ino - 1) / this.sb.inodesPerGroup);
    const table = await this.inodeTable(g);
    const at = table * this.sb.blockSize + ((ino - 1) % this.sb.inodesPerGroup) * this.sb.inodeSize;
    let inode: Inode;
    try {
      inode = parseInode(ino, await readExact(this.vol, at, this.sb.inodeSize, `inode ${ino}`));
    } catch (e) {
      throw e instanceof DamagedError ? new DamagedError(`inode ${ino}: ${e.what}`) : e;
    }
    remember(this.inodes, ino, inode, 4096);
    return inode;
  }

  private async inodeTable(g: number): Promise<number> {
    const hit = this.tables.get(g);
    if (hit !== undefined) return hit;
    const d = await readExact(this.vol, descriptorOffset(this.sb, g), this.sb.descSize, `group descriptor ${g}`);
    const table = d.readUInt32LE(8) + (this.sb.descSize >= 64 ? d.readUInt32LE(0x28) * 2 ** 32 : 0);
    check(table > 0 && table < this.sb.blocksCount, () => `group ${g} places its inode table outside the file system`);
    this.tables.set(g, table);
    return table;
  }

  private node(name: Buffer, i: Inode): FsNode {
    return { name, type: typeOfMode(i.mode), size: i.size, mode: i.mode, uid: i.uid, gid: i.gid, mtimeMs: i.mtimeMs, ref: i.ino };
  }
}

function remember<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  m.set(k, v);
  if (m.size > max) m.delete(m.keys().next().value as K);
}
