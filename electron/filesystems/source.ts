import { check } from './errors';

/**
 * Random-access bytes: a whole backed-up disk (the engine's DiskReader fits as it is), or a slice
 * of one (a partition, a logical volume). Reads past the end come back short.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/** The bytes [offset, offset+size) of `src`, clipped to its end (a partition table may lie). */
export function slice(src: ByteSource, offset: number, size: number): ByteSource {
  const end = Math.min(src.size, offset + size);
  const len = Math.max(0, end - offset);
  return {
    size: len,
    read: (at, length) => {
      if (at >= len) return Promise.resolve(Buffer.alloc(0));
      return src.read(offset + at, Math.min(length, len - at));
    },
  };
}

/** Exactly `length` bytes at `offset`, or a DamagedError naming `what` (a structure past the end of its volume). */
export async function readExact(src: ByteSource, offset: number, length: number, what: string): Promise<Buffer> {
  check(Number.isSafeInteger(offset) && offset >= 0 && offset + length <= src.size, () => `${what} lies outside the volume (byte ${offset})`);
  const b = await src.read(offset, length);
  check(b.length === length, () => `${what} lies outside the volume (byte ${offset})`);
  return b;
}

/** A source over a buffer (tests, and tiny images). */
export function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (o, l) => Promise.resolve(Buffer.from(buf.subarray(o, Math.min(buf.length, o + l)))) };
}

/**
 * Reads ahead on sequential reads: when a large read (256 KiB or more) starts where the last one
 * ended (a file copied out piece by piece), the next `depth` blocks of `block` bytes (the backed-up disk's chunks) are
 * asked for at once, so they are fetched and decompressed in parallel while the current piece is
 * written. Other reads (a file system's metadata, here and there) go straight through. Blocks
 * already passed are let go: memory stays at about depth blocks.
 */
export function readAhead<S extends ByteSource>(src: S, block: number, depth = 6): S {
  const STREAM_READ = Math.min(256 * 1024, block / 4);
  const blocks = new Map<number, Promise<Buffer>>();
  let lastEnd = -1;
  const blockAt = (i: number): Promise<Buffer> => {
    let p = blocks.get(i);
    if (!p) {
      p = src.read(i * block, Math.min(block, src.size - i * block));
      blocks.set(i, p);
      p.catch(() => blocks.delete(i));
    }
    return p;
  };
  const read = async (offset: number, length: number): Promise<Buffer> => {
    // a file's pieces (a MiB at a time), not metadata that happens to lie in a row (a superblock, then its group descriptors)
    const sequential = offset === lastEnd && length >= STREAM_READ && block > 0;
    lastEnd = offset + length;
    if (!sequential) {
      blocks.clear();
      return src.read(offset, length);
    }
    const end = Math.min(src.size, offset + length);
    if (end <= offset) return Buffer.alloc(0);
    const first = Math.floor(offset / block);
    const last = Math.floor((end - 1) / block);
    for (const i of [...blocks.keys()]) if (i < first) blocks.delete(i);
    for (let i = last + 1; i <= last + depth && i * block < src.size; i++) void blockAt(i).catch(() => undefined);
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const b = await blockAt(i);
      const from = Math.max(offset, i * block) - i * block;
      const to = Math.min(end, (i + 1) * block) - i * block;
      parts.push(b.subarray(from, to));
    }
    return parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
  };
  return { ...src, read };
}

/**
 * Keeps the last `max` blocks of `block` bytes read (least recently used out), and reads a block
 * once however many readers want it at the same time: for walks that list many folders at once.
 */
export function blockCache<S extends ByteSource>(src: S, block: number, max: number): S {
  const blocks = new Map<number, Promise<Buffer>>(); // insertion order = LRU order
  const blockAt = (i: number): Promise<Buffer> => {
    let p = blocks.get(i);
    if (p) blocks.delete(i);
    else {
      p = src.read(i * block, Math.min(block, src.size - i * block));
      p.catch(() => blocks.delete(i));
    }
    blocks.set(i, p);
    if (blocks.size > max) blocks.delete(blocks.keys().next().value as number);
    return p;
  };
  const read = async (offset: number, length: number): Promise<Buffer> => {
    const end = Math.min(src.size, offset + length);
    if (end <= offset || block <= 0) return block <= 0 ? src.read(offset, length) : Buffer.alloc(0);
    const out = Buffer.allocUnsafe(end - offset); // every byte is written below
    for (let i = Math.floor(offset / block); i * block < end; i++) {
      const b = await blockAt(i);
      const from = Math.max(offset, i * block);
      b.copy(out, from - offset, from - i * block, Math.min(end, (i + 1) * block) - i * block);
    }
    return out;
  };
  return { ...src, read };
}
