import { check } from '../errors';
import { readRuns, type Run } from '../runs';
import { readExact, slice, type ByteSource } from '../source';
import type { ByteRange, FileSystem, FsNode } from '../types';
import { parseBoot, type FatGeometry } from './boot';
import { ATTR, parseDir, type FatEntry } from './directory';

/** FAT folders hold at most 65,536 entries of 32 bytes. */
const MAX_DIR_BYTES = 65536 * 32;
const FAT_BLOCK = 64 * 1024;

/**
 * FAT12/16/32 with long names, read-only. A node's ref is its first cluster (0: FAT12/16's fixed
 * root). FAT keeps no owners or permissions: files show as 0644 (0444 when read-only), folders
 * 0755, owned by 0:0; times are as written, with no time zone (shown as UTC).
 */
export class FatFileSystem implements FileSystem {
  readonly kind = 'vfat' as const;
  readonly label: string | null;
  readonly uuid: string;
  private readonly fatBlocks = new Map<number, Buffer>();
  private readonly runs = new Map<string, Run[]>();
  private readonly data: ByteSource;

  constructor(
    private readonly vol: ByteSource,
    private readonly g: FatGeometry,
  ) {
    this.label = g.label;
    this.uuid = g.serial;
    this.data = slice(vol, g.dataOffset, g.clusters * g.clusterBytes);
  }

  static async open(vol: ByteSource): Promise<FatFileSystem> {
    return new FatFileSystem(vol, parseBoot(await readExact(vol, 0, 512, 'the FAT boot sector'), vol.size));
  }

  async root(): Promise<FsNode> {
    const ref = this.g.rootDir ? 0 : this.g.rootCluster;
    return { name: Buffer.alloc(0), type: 'dir', size: 0, mode: 0o040755, uid: 0, gid: 0, mtimeMs: 0, ref };
  }

  async list(dir: FsNode): Promise<FsNode[]> {
    check(dir.type === 'dir', 'not a directory');
    const data =
      dir.ref === 0 && this.g.rootDir
        ? await readExact(this.vol, this.g.rootDir.offset, this.g.rootDir.bytes, 'the root folder')
        : await this.readChain(dir.ref, MAX_DIR_BYTES, true);
    return parseDir(data, this.g.type === 32).map((e) => this.node(e));
  }

  async read(file: FsNode, offset: number, length: number): Promise<Buffer> {
    check(file.type === 'file', 'not a file');
    const len = Math.max(0, Math.min(length, file.size - offset));
    if (len === 0) return Buffer.alloc(0);
    const key = `${file.ref}:${file.size}`;
    let runs = this.runs.get(key);
    if (!runs) {
      runs = await this.chainRuns(file.ref, Math.ceil(file.size / this.g.clusterBytes));
      this.runs.set(key, runs);
      if (this.runs.size > 64) this.runs.delete(this.runs.keys().next().value as string);
    }
    // runs count clusters from the data region's start (cluster 2 is 0)
    return readRuns(this.data, this.g.clusterBytes, runs, offset, len);
  }

  /** A file's clusters as runs of contiguous ones; a chain shorter than the size says is damaged. */
  private async chainRuns(first: number, count: number): Promise<Run[]> {
    const runs: Run[] = [];
    let n = 0;
    for await (const c of this.chain(first, count)) {
      const last = runs.at(-1);
      if (last && last.physical! + last.length === c - 2) last.length += 1;
      else runs.push({ logical: n, physical: c - 2, length: 1 });
      n += 1;
    }
    check(n === count, 'a file is shorter than its size says (its cluster chain ends early)');
    return runs;
  }

  /** FAT has no holes: a file's data is all of it. */
  async dataRanges(file: FsNode): Promise<ByteRange[]> {
    return file.size ? [{ offset: 0, length: file.size }] : [];
  }

  async readlink(): Promise<Buffer> {
    return check(false, 'FAT has no symbolic links') as never;
  }

  private node(e: FatEntry): FsNode {
    const dir = (e.attr & ATTR.dir) !== 0;
    const mode = dir ? 0o040755 : e.attr & ATTR.readOnly ? 0o100444 : 0o100644;
    return { name: e.name, type: dir ? 'dir' : 'file', size: dir ? 0 : e.size, mode, uid: 0, gid: 0, mtimeMs: e.mtimeMs, ref: e.cluster };
  }

  private async readChain(first: number, max: number, isDir: boolean): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of this.chain(first, Math.ceil(max / this.g.clusterBytes)))
      parts.push(await readExact(this.vol, this.clusterOffset(c), this.g.clusterBytes, isDir ? 'a folder' : 'file data'));
    return Buffer.concat(parts);
  }

  /** The clusters of a chain, at most `limit` of them: a chain that loops is cut by the limit, never followed forever. */
  private async *chain(first: number, limit: number): AsyncGenerator<number> {
    let c = first;
    for (let n = 0; n < limit; n++) {
      check(c >= 2 && c < this.g.clusters + 2, () => `a cluster chain points outside the file system (cluster ${c})`);
      yield c;
      const next = await this.entry(c);
      if (next >= this.eoc()) return;
      c = next;
    }
  }

  private eoc(): number {
    return this.g.type === 12 ? 0xff8 : this.g.type === 16 ? 0xfff8 : 0x0ffffff8;
  }

  private async entry(c: number): Promise<number> {
    const at = this.g.type === 12 ? c + (c >> 1) : this.g.type === 16 ? 2 * c : 4 * c;
    const size = this.g.type === 32 ? 4 : 2;
    check(at + size <= this.g.fatBytes, 'a cluster lies past the end of the FAT');
    const block = Math.floor(at / FAT_BLOCK);
    const within = at % FAT_BLOCK;
    const b = await this.fatBlock(block);
    // a FAT12 entry may straddle two blocks
    const v =
      within + size <= b.length
        ? size === 4
          ? b.readUInt32LE(within)
          : b.readUInt16LE(within)
        : b[within]! | ((await this.fatBlock(block + 1))[0]! << 8);
    if (this.g.type === 12) return c & 1 ? v >> 4 : v & 0xfff;
    return this.g.type === 16 ? v : v & 0x0fffffff;
  }

  /** A 64 KiB block of the first FAT, kept (a FAT32 of a big volume is tens of MiB: only the blocks used are read). */
  private async fatBlock(block: number): Promise<Buffer> {
    let b = this.fatBlocks.get(block);
    if (!b) {
      const len = Math.min(FAT_BLOCK, this.g.fatBytes - block * FAT_BLOCK);
      b = await readExact(this.vol, this.g.fatOffset + block * FAT_BLOCK, len, 'the FAT');
      this.fatBlocks.set(block, b);
      if (this.fatBlocks.size > 512) this.fatBlocks.delete(this.fatBlocks.keys().next().value as number);
    }
    return b;
  }

  private clusterOffset(c: number): number {
    return this.g.dataOffset + (c - 2) * this.g.clusterBytes;
  }
}
