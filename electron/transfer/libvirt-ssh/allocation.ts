import { normalizeRanges, splitAlignedIter, type Range } from '../../engine';
import { TransferError } from './errors';

/**
 * Allocation maps as the hypervisor's tools print them, and the range arithmetic that turns
 * them into what to read: `qemu-img map --output=json` (qcow2 chains, sparse raw files),
 * `qemu-img info --backing-chain --output=json`, `rbd diff --format json`.
 */

export interface MapEntry {
  start: number;
  length: number;
  depth: number;
  present: boolean;
  zero: boolean;
  data: boolean;
}

export interface ImageInfo {
  filename: string;
  format: string;
  virtualSize: number;
  actualSize: number | null;
  backingFilename: string | null;
  backingFormat: string | null;
}

export interface AllocationMap {
  size: number;
  /** ranges holding data (everything else reads as zeros) */
  data: Range[];
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TransferError(`${what} printed something that is not JSON: ${(e as Error).message}`);
  }
}

const int = (v: unknown, what: string): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TransferError(`${what}: expected a whole number, got ${JSON.stringify(v)}`);
  return n;
};
const bool = (v: unknown): boolean => v === true || v === 'true';

export function parseQemuImgMap(text: string): MapEntry[] {
  const list = parseJson(text, 'qemu-img map');
  if (!Array.isArray(list)) throw new TransferError('qemu-img map did not print a JSON array.');
  return list.map((e: Record<string, unknown>) => ({
    start: int(e.start, 'qemu-img map start'),
    length: int(e.length, 'qemu-img map length'),
    depth: typeof e.depth === 'number' ? e.depth : 0,
    present: e.present === undefined ? true : bool(e.present),
    zero: bool(e.zero),
    data: bool(e.data),
  }));
}

/** `qemu-img info --backing-chain --output=json`: the image first, then each backing file. */
export function parseQemuImgInfo(text: string): ImageInfo[] {
  const v = parseJson(text, 'qemu-img info');
  const list = Array.isArray(v) ? v : [v];
  return list.map((e: Record<string, unknown>) => ({
    filename: String(e.filename ?? ''),
    format: String(e.format ?? ''),
    virtualSize: int(e['virtual-size'], 'qemu-img info virtual-size'),
    actualSize: typeof e['actual-size'] === 'number' ? e['actual-size'] : null,
    backingFilename: typeof e['full-backing-filename'] === 'string' ? e['full-backing-filename'] : typeof e['backing-filename'] === 'string' ? e['backing-filename'] : null,
    backingFormat: typeof e['backing-filename-format'] === 'string' ? e['backing-filename-format'] : null,
  }));
}

/** Guest-visible data of a whole chain: every range with data, at any depth. */
export function dataRanges(map: MapEntry[]): Range[] {
  return normalizeRanges(
    map.filter((e) => e.data && !e.zero).map((e) => ({ offset: e.start, length: e.length })),
    Number.MAX_SAFE_INTEGER,
  );
}

export interface RbdDiffEntry {
  offset: number;
  length: number;
  /** false: the range was discarded (reads as zeros) */
  exists: boolean;
}

export function parseRbdDiff(text: string): RbdDiffEntry[] {
  const list = parseJson(text.trim() === '' ? '[]' : text, 'rbd diff');
  if (!Array.isArray(list)) throw new TransferError('rbd diff did not print a JSON array.');
  return list.map((e: Record<string, unknown>) => ({
    offset: int(e.offset, 'rbd diff offset'),
    length: int(e.length, 'rbd diff length'),
    exists: e.exists === undefined ? true : bool(e.exists),
  }));
}

export const rbdData = (diff: RbdDiffEntry[]): Range[] =>
  normalizeRanges(diff.filter((e) => e.exists).map((e) => ({ offset: e.offset, length: e.length })), Number.MAX_SAFE_INTEGER);
export const rbdChanges = (diff: RbdDiffEntry[]): Range[] =>
  normalizeRanges(diff.map((e) => ({ offset: e.offset, length: e.length })), Number.MAX_SAFE_INTEGER);

/** The parts of `a` that are inside `b` (both ascending and merged). */
export function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const r of a) {
    const end = r.offset + r.length;
    while (j < b.length && b[j]!.offset + b[j]!.length <= r.offset) j++;
    for (let k = j; k < b.length && b[k]!.offset < end; k++) {
      const s = Math.max(r.offset, b[k]!.offset);
      const e = Math.min(end, b[k]!.offset + b[k]!.length);
      if (e > s) out.push({ offset: s, length: e - s });
    }
  }
  return out;
}

/** Cuts ranges into reads of at most `max` bytes that never cross a multiple of `align`. */
export function* readPieces(ranges: readonly Range[], align: number, max: number): Generator<Range> {
  yield* splitAlignedIter(ranges, Math.max(1, Math.min(align, max)));
}

export const totalLength = (ranges: readonly Range[]): number => ranges.reduce((s, r) => s + r.length, 0);
