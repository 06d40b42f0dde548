import { SourceError } from '../errors';
import type { Extent, Range } from './extents';
import { copyBytes } from '../../lib/bytes';

/** One chunk position of a disk with the bytes the source gave for it. */
export interface Window {
  index: number;
  offset: number;
  length: number;
  /** the window's bytes where covered (zeros elsewhere), or null if the source gave no data here */
  buf: Buffer | null;
  /** absolute ranges the source determined (data or explicit zeros), ascending, non-overlapping */
  covered: Range[];
  /** data bytes the source yielded for this window */
  dataBytes: number;
}

/** A whole buffer of its own (not a view shared with other extents): the engine may keep it. */
const wholeBuffer = (b: Buffer): boolean => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;

/**
 * Cuts an extent stream into fixed chunk windows, yielding every position 0..n-1 in order
 * (positions the source skipped come out empty). Checks the source's ordering contract. An
 * extent that is exactly one window is taken as is (no copy) when it owns its memory: a whole
 * buffer, or one the caller recognises as its own (`owned`: a pooled slot of shared memory).
 */
export async function* assemble(
  extents: AsyncIterable<Extent>,
  size: number,
  chunkSize: number,
  zeroed: (length: number) => Buffer = (n) => Buffer.alloc(n),
  owned: (b: Buffer) => boolean = () => false,
): AsyncGenerator<Window> {
  const n = Math.ceil(size / chunkSize);
  let pos = 0;
  let cur: Window | null = null;
  let lastEnd = 0;
  const window = (i: number): Window => {
    const offset = i * chunkSize;
    return { index: i, offset, length: Math.min(chunkSize, size - offset), buf: null, covered: [], dataBytes: 0 };
  };

  for await (const e of extents) {
    if (e.length === 0) continue;
    if (!Number.isSafeInteger(e.offset) || !Number.isSafeInteger(e.length) || e.length < 0) throw new SourceError(`Bad extent ${e.offset}+${e.length}.`);
    if (e.offset < lastEnd) throw new SourceError(`Extents out of order or overlapping at ${e.offset} (previous ended at ${lastEnd}).`);
    if (e.offset + e.length > size) throw new SourceError(`Extent ${e.offset}+${e.length} goes beyond the disk size ${size}.`);
    if (e.data && e.data.length !== e.length) throw new SourceError(`Extent at ${e.offset} says ${e.length} bytes but carries ${e.data.length}.`);
    lastEnd = e.offset + e.length;

    let off = e.offset;
    while (off < lastEnd) {
      const i = Math.floor(off / chunkSize);
      while (pos < i) {
        yield cur ?? window(pos);
        cur = null;
        pos++;
      }
      cur ??= window(i);
      const stop = Math.min(lastEnd, cur.offset + cur.length);
      if (e.data) {
        if (!cur.buf && off === cur.offset && stop === cur.offset + cur.length && e.offset === off && e.length === cur.length && (wholeBuffer(e.data) || owned(e.data))) {
          cur.buf = e.data;
        } else {
          cur.buf ??= zeroed(cur.length);
          copyBytes(cur.buf, off - cur.offset, e.data.subarray(off - e.offset, stop - e.offset));
        }
        cur.dataBytes += stop - off;
      }
      cur.covered.push({ offset: off, length: stop - off });
      off = stop;
      if (off === cur.offset + cur.length) {
        yield cur;
        cur = null;
        pos++;
      }
    }
  }
  while (pos < n) {
    yield cur ?? window(pos);
    cur = null;
    pos++;
  }
}

/** Parts of [start, end) not covered by `covered` (ascending, non-overlapping). */
export function gaps(start: number, end: number, covered: readonly Range[]): Range[] {
  const out: Range[] = [];
  let at = start;
  for (const c of covered) {
    if (c.offset > at) out.push({ offset: at, length: c.offset - at });
    at = Math.max(at, c.offset + c.length);
  }
  if (at < end) out.push({ offset: at, length: end - at });
  return out;
}

/**
 * Splits ascending windows into the parts inside / outside a sorted, merged range list
 * (the changed extents). Walks the list once over the whole disk: windows must come in order.
 */
export class RangeCursor {
  private at = 0;
  constructor(private readonly ranges: readonly Range[]) {}

  split(r: Range): { inside: Range[]; outside: Range[] } {
    const end = r.offset + r.length;
    while (this.at < this.ranges.length) {
      const cur = this.ranges[this.at] as Range;
      if (cur.offset + cur.length > r.offset) break;
      this.at++;
    }
    const inside: Range[] = [];
    for (let k = this.at; k < this.ranges.length; k++) {
      const s = this.ranges[k] as Range;
      if (s.offset >= end) break;
      const a = Math.max(r.offset, s.offset);
      const b = Math.min(end, s.offset + s.length);
      if (b > a) inside.push({ offset: a, length: b - a });
    }
    return { inside, outside: gaps(r.offset, end, inside) };
  }
}
