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
