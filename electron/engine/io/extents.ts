import fs, { type FileHandle } from 'node:fs/promises';
import { constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { DIRECT_BLOCK, directIoAvailable } from './direct-io';
import { InvalidArgumentError, isErrno, SourceError } from '../errors';

/**
 * Disks move through the engine as streams of extents, so a transfer strategy can feed data
 * straight from SSH, RBD or HTTP without a temporary copy.
 */

export interface Range {
  offset: number;
  length: number;
}

/** A run of disk bytes at `offset`; without `data` the bytes are zero (a hole or a discard). */
export interface Extent {
  offset: number;
  length: number;
  data?: Buffer;
}

export interface ExtentHint {
  chunkSize: number;
  signal?: AbortSignal;
  /** a chunk-size buffer to read into (recycled by the engine); sources may ignore it */
  alloc?: () => Buffer;
  /** whether a buffer from alloc() is page-aligned memory, fit for direct I/O */
  aligned?: (b: Buffer) => boolean;
}

/**
 * The engine takes ownership of yielded data buffers (it may keep, reuse or modify them).
 */
export interface ExtentSource {
  /** the disk size in bytes */
  readonly size: number;
  /**
   * Random reads are cheap (a local file or device). The engine then reads whole chunks around
   * changed extents instead of completing them from the previous backup, which costs CPU.
   */
  readonly randomAccess?: boolean;
  /**
   * Yields extents in ascending offset order, without overlaps. `wanted` (ascending, merged) are
   * the ranges the engine needs, null for the whole disk: a random-access source reads only those;
   * a stream may ignore it and yield what it has (yielded data always wins). Bytes not yielded
   * inside wanted ranges are zero. Extents may have any length; sources that can should align
   * them to `chunkSize` (the engine then takes the buffer without copying).
   */
  extents(wanted: readonly Range[] | null, hint: ExtentHint): AsyncIterable<Extent>;
  close?(): Promise<void>;
}

/** Sorts, merges and clips ranges to [0, size). */
export function normalizeRanges(ranges: readonly Range[], size: number): Range[] {
  const sorted = ranges
    .map((r) => ({ start: Math.max(0, r.offset), end: Math.min(size, r.offset + r.length) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.offset + last.length) last.length = Math.max(last.length, r.end - last.offset);
    else out.push({ offset: r.start, length: r.end - r.start });
  }
  return out;
}

/**
 * A source from a regular file or a block device (size from the device when not given). Whole
 * blocks are read with O_DIRECT into the engine's aligned buffers where the filesystem allows
 * it (direct-io.ts: a disk image is read once; through the page cache it would evict the
 * workstation's cache, and cost 2 CPU-s per GiB on the build VM), the rest through the cache.
 */
export function fileSource(path: string, opts: { size?: number; readAhead?: number } = {}): ExtentSource {
  const size = opts.size ?? fileOrDeviceSize(path);
  return {
    size,
    randomAccess: true,
    async *extents(wanted, hint) {
      const fh = await fs.open(path, 'r');
      const direct = await openDirectForRead(path);
      let useDirect = direct !== null;
      // no kernel readahead past the cache: more of our own reads in flight
      const readAhead = Math.max(1, opts.readAhead ?? (direct ? 4 : 2));
      try {
        const pieces = splitAligned(wanted ?? [{ offset: 0, length: size }], hint.chunkSize);
        // A few reads in flight hide I/O latency; each is one bounded buffer.
        const inflight: Promise<Extent>[] = [];
        const read = async (p: Range): Promise<Extent> => {
          const data = p.length === hint.chunkSize && hint.alloc ? hint.alloc() : Buffer.allocUnsafeSlow(p.length);
          let done = 0;
          // whole chunks (a multiple of any block size) into aligned buffers; pieces go through the cache
          if (direct && useDirect && p.length === hint.chunkSize && p.offset % DIRECT_BLOCK === 0 && hint.aligned?.(data)) {
            try {
              while (done < p.length) {
                const { bytesRead } = await direct.read(data, done, p.length - done, p.offset + done);
                if (bytesRead === 0 || bytesRead % DIRECT_BLOCK !== 0) break; // the end, or a short read: finished below
                done += bytesRead;
              }
            } catch (e) {
              if (!isErrno(e, 'EINVAL')) throw e;
              done = 0; // refused after all: the page cache from now on (reads in flight finish first)
              useDirect = false;
            }
          }
          while (done < p.length) {
            const { bytesRead } = await fh.read(data, done, p.length - done, p.offset + done);
            if (bytesRead === 0) throw new SourceError(`${path} ended at ${p.offset + done} bytes, before its size ${size}: did it shrink while being read?`);
            done += bytesRead;
          }
          return { offset: p.offset, length: p.length, data };
        };
        let next = 0;
        while (next < pieces.length || inflight.length > 0) {
          while (inflight.length < readAhead && next < pieces.length) inflight.push(read(pieces[next++] as Range));
          hint.signal?.throwIfAborted();
          yield await (inflight.shift() as Promise<Extent>);
        }
      } finally {
        await direct?.close();
        await fh.close();
      }
    },
  };
}

/** Splits ranges at multiples of `align`. */
export function* splitAlignedIter(ranges: readonly Range[], align: number): Generator<Range> {
  for (const r of ranges) {
    let off = r.offset;
    const end = r.offset + r.length;
    while (off < end) {
      const stop = Math.min(end, (Math.floor(off / align) + 1) * align);
      yield { offset: off, length: stop - off };
      off = stop;
    }
  }
}

const splitAligned = (ranges: readonly Range[], align: number): Range[] => [...splitAlignedIter(ranges, align)];

/** The file opened for O_DIRECT reads, or null where the platform or filesystem refuses. */
async function openDirectForRead(path: string): Promise<FileHandle | null> {
  if (!directIoAvailable()) return null;
  try {
    return await fs.open(path, fsConstants.O_RDONLY | (fsConstants.O_DIRECT as number));
  } catch (e) {
    if (isErrno(e, 'EINVAL')) return null;
    throw e;
  }
}

/** A source reading a whole disk from a byte stream (SSH stdout, an HTTP body) in order. */
export function streamSource(stream: AsyncIterable<Uint8Array>, size: number): ExtentSource {
  let used = false;
  return {
    size,
    async *extents(_wanted, hint) {
      if (used) throw new InvalidArgumentError('A stream source can be read only once.');
      used = true;
      let offset = 0;
      for await (const piece of stream) {
        hint.signal?.throwIfAborted();
        const data = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        if (offset + data.length > size) throw new SourceError(`The stream is longer than the disk size ${size}.`);
        if (data.length > 0) yield { offset, length: data.length, data };
        offset += data.length;
      }
      if (offset !== size) throw new SourceError(`The stream ended at ${offset} bytes; the disk is ${size} bytes.`);
    },
  };
}

/** A source over extents a strategy already has (an rbd diff, an NBD block-status walk ...). */
export function extentSource(size: number, produce: (wanted: readonly Range[] | null) => AsyncIterable<Extent>): ExtentSource {
  return { size, extents: (wanted) => produce(wanted) };
}

/** Size of a regular file, or of a Linux block device (from /sys, no ioctl needed). */
export function fileOrDeviceSize(path: string): number {
  const st = statSync(path);
  if (st.isFile()) return st.size;
  if (st.isBlockDevice() && process.platform === 'linux') {
    const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
    const sectors = Number(readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim());
    return sectors * 512;
  }
  throw new InvalidArgumentError(`Cannot tell the size of ${path}: give it explicitly.`);
}
