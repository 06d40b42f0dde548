import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { DamagedError } from './errors';
import { joinPath, showName } from './names';
import type { Tree } from './tree';
import type { FsNode, NodeType } from './types';

/**
 * The file index of one volume: every entry's path, size, time and type, for search across restore
 * points. Columns, not records: folders once each (an entry names its folder by number), names in
 * shown form joined by `/` (a shown name never holds one) so a million of them decode with one
 * toString and one split, numbers as varints, then Brotli. That keeps a disk of a million files to a
 * few bytes per entry and decodes it in a fraction of a second.
 */
export interface VolumeIndex {
  /** folder paths in shown form; dirs[0] is "/" */
  dirs: string[];
  /** per entry: its folder (an index into dirs), never decreasing (folders are in the order they were read) */
  dir: Int32Array;
  names: string[];
  /** per entry: an index into NODE_TYPES */
  types: Uint8Array;
  sizes: Float64Array;
  /** whole milliseconds since the epoch */
  mtimes: Float64Array;
  /** folders that could not be read (a damaged structure), each "path: why"; the walk went on around them */
  problems: string[];
}

export const NODE_TYPES: readonly NodeType[] = ['file', 'dir', 'symlink', 'chardev', 'blockdev', 'fifo', 'socket', 'unknown'];
const TYPE_CODE = new Map(NODE_TYPES.map((t, i) => [t, i]));

/** A guest may craft any count: an index holds at most this many entries (a walk stops there and says so). */
export const MAX_INDEX_ENTRIES = 50_000_000;
const MAX_DECODED_BYTES = 1 << 30;
// Times are kept within ±2^50 ms (±35,000 years) so a difference of two, doubled, stays an exact integer.
const TIME_LIMIT = 2 ** 50;

export interface IndexOptions {
  signal?: AbortSignal;
  /** called every few thousand entries with the count so far */
  onProgress?: (entries: number) => void;
  maxEntries?: number;
  /** folders listed at once (default 16) */
  concurrency?: number;
}

/**
 * Walks a file system and records every entry. Folders are read in the order of their parser's
 * handle (inode number, first cluster), not breadth-first: that handle follows where a folder and
 * its files' inodes lie on the disk, so the walk sweeps the disk once instead of hopping between
 * block groups, and each chunk of the backed-up disk is fetched and decompressed about once.
 * Symlinks are recorded, never followed; a folder met twice (a crafted loop) is walked once; a
 * folder that cannot be read is a problem noted with its path, and the rest is indexed.
 */
export async function indexTree(tree: Tree, opts: IndexOptions = {}): Promise<VolumeIndex> {
  const max = opts.maxEntries ?? MAX_INDEX_ENTRIES;
  const dirs: string[] = [];
  const dir: number[] = [];
  const names: string[] = [];
  const types: number[] = [];
  const sizes: number[] = [];
  const mtimes: number[] = [];
  const problems: string[] = [];
  const seen = new Set<number>();
  const root = await tree.fs.root();
  const queue = new MinHeap<{ node: FsNode; path: string }>((a, b) => a.node.ref - b.node.ref);
  queue.push({ node: root, path: '/' });
  seen.add(root.ref);
  let reported = 0;
  const list = (d: { node: FsNode; path: string }) =>
    tree.children(d.node, d.path).then(
      (children) => ({ ...d, children }),
      (e: unknown) => {
        if (!(e instanceof DamagedError)) throw e;
        problems.push(`${d.path}: ${e.message}`);
        return { ...d, children: null };
      },
    );
  while (queue.size > 0) {
    opts.signal?.throwIfAborted();
    // several folders at once: while one waits for a chunk of the disk, the others go on
    const batch: { node: FsNode; path: string }[] = [];
    while (batch.length < (opts.concurrency ?? 16) && queue.size > 0) batch.push(queue.pop()!);
    for (const { path, children } of await Promise.all(batch.map(list))) {
      if (children) visit(path, children);
      if (names.length >= max) return columns();
    }
    if (names.length - reported >= 5000) {
      reported = names.length;
      opts.onProgress?.(reported);
    }
  }
  opts.onProgress?.(names.length);
  return columns();

  function visit(path: string, children: FsNode[]): void {
    const at = dirs.length;
    dirs.push(path);
    const shown = children.map((c) => ({ c, name: showName(c.name) })).filter((x) => x.name !== '' && x.name !== '.' && x.name !== '..');
    shown.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { c, name } of shown) {
      if (names.length >= max) {
        problems.push(`${path}: the index stops at ${max} entries; the rest of the file system is not indexed`);
        return;
      }
      dir.push(at);
      names.push(name);
      types.push(TYPE_CODE.get(c.type) ?? 7);
      sizes.push(Math.min(Math.max(0, c.size), Number.MAX_SAFE_INTEGER));
      mtimes.push(Number.isFinite(c.mtimeMs) ? Math.min(TIME_LIMIT, Math.max(-TIME_LIMIT, Math.floor(c.mtimeMs))) : 0);
      if (c.type === 'dir' && !seen.has(c.ref)) {
        seen.add(c.ref);
        queue.push({ node: c, path: joinPath(path, name) });
      }
    }
  }

  function columns(): VolumeIndex {
    return { dirs, dir: Int32Array.from(dir), names, types: Uint8Array.from(types), sizes: Float64Array.from(sizes), mtimes: Float64Array.from(mtimes), problems };
  }
}

/** The smallest first: a binary heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(v: T): void {
    const a = this.items;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (this.less(a[i]!, a[up]!) >= 0) break;
      [a[i], a[up]] = [a[up]!, a[i]!];
      i = up;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}

const MAGIC = Buffer.from('BSFI\x01', 'latin1');

/** The index as compressed bytes (the problems travel beside it, in the note). */
export function encodeVolumeIndex(v: VolumeIndex): Buffer {
  const n = v.names.length;
  const out = new Writer(64 + n * 12);
  const dirsText = Buffer.from(v.dirs.join('\n'), 'utf8');
  const namesText = Buffer.from(v.names.join('/'), 'utf8');
  out.bytes(MAGIC);
  out.varint(v.dirs.length);
  out.varint(n);
  out.varint(dirsText.length);
  out.varint(namesText.length);
  out.bytes(dirsText);
  out.bytes(namesText);
  let prevDir = 0;
  for (let i = 0; i < n; i++) {
    out.varint(v.dir[i]! - prevDir);
    prevDir = v.dir[i]!;
  }
  out.bytes(v.types);
  for (let i = 0; i < n; i++) out.varint(v.sizes[i]!);
  let prevTime = 0;
  for (let i = 0; i < n; i++) {
    const d = v.mtimes[i]! - prevTime;
    out.varint(d >= 0 ? d * 2 : -d * 2 - 1);
    prevTime = v.mtimes[i]!;
  }
  return brotliCompressSync(out.done(), { params: { [constants.BROTLI_PARAM_QUALITY]: 3, [constants.BROTLI_PARAM_SIZE_HINT]: out.length } });
}

/** Reads an index written by encodeVolumeIndex; anything that does not fit throws (a note in a shared destination may be crafted). */
export function decodeVolumeIndex(compressed: Buffer, problems: string[] = []): VolumeIndex {
  let raw: Buffer;
  try {
    raw = brotliDecompressSync(compressed, { maxOutputLength: MAX_DECODED_BYTES });
  } catch (e) {
    throw new DamagedError(`the file index cannot be decompressed (${(e as Error).message})`);
  }
  const r = new Reader(raw);
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new DamagedError('not a file index of this version');
  r.at = MAGIC.length;
  const dirCount = r.count(MAX_INDEX_ENTRIES);
  const n = r.count(MAX_INDEX_ENTRIES);
  const dirsBytes = r.count(MAX_DECODED_BYTES);
  const namesBytes = r.count(MAX_DECODED_BYTES);
  const dirsText = r.take(dirsBytes).toString('utf8');
  const namesText = r.take(namesBytes).toString('utf8');
  const dirs = dirCount ? dirsText.split('\n') : [];
  const names = n ? namesText.split('/') : [];
  if (dirs.length !== dirCount || names.length !== n) throw new DamagedError('the file index names do not match its counts');
  if (dirs.some((d) => !d.startsWith('/'))) throw new DamagedError('a folder of the file index is not a path');
  const dir = new Int32Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    d += r.varint();
    if (d >= dirCount) throw new DamagedError('an entry of the file index names a folder it does not have');
    dir[i] = d;
  }
  const types = Uint8Array.from(r.take(n));
  if (types.some((t) => t >= NODE_TYPES.length)) throw new DamagedError('an entry of the file index has an unknown type');
  const sizes = new Float64Array(n);
  for (let i = 0; i < n; i++) sizes[i] = r.varint();
  const mtimes = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const z = r.varint();
    t += z % 2 ? -(z + 1) / 2 : z / 2;
    if (Math.abs(t) > TIME_LIMIT) throw new DamagedError('an entry of the file index has a time out of range');
    mtimes[i] = t;
  }
  if (r.at !== raw.length) throw new DamagedError('the file index has bytes past its end');
  return { dirs, dir, names, types, sizes, mtimes, problems };
}

class Writer {
  private buf: Buffer;
  length = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** a whole number 0 … 2^53 in 7-bit groups (arithmetic, not bit operators: those stop at 2^32) */
  varint(v: number): void {
    this.room(8);
    if (v < 0x80000000) {
      // the common case, in integer operations
      while (v >= 128) {
        this.buf[this.length++] = (v & 127) | 128;
        v >>>= 7;
      }
      this.buf[this.length++] = v;
      return;
    }
    while (v >= 128) {
      this.buf[this.length++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

class Reader {
  at = 0;
  constructor(private readonly buf: Buffer) {}
  varint(): number {
    const b0 = this.buf[this.at];
    if (b0 !== undefined && b0 < 128) {
      this.at++;
      return b0;
    }
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      if (this.at >= this.buf.length) throw new DamagedError('the file index ends early');
      const b = this.buf[this.at++]!;
      v += (b & 127) * scale;
      if (b < 128) return v;
      scale *= 128;
    }
    throw new DamagedError('the file index holds a number too large');
  }
  count(max: number): number {
    const v = this.varint();
    if (v > max) throw new DamagedError('the file index holds a count too large');
    return v;
  }
  take(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new DamagedError('the file index ends early');
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}
