import { readExact, type ByteSource } from './source';

/** A run of a file's logical blocks: where they are on the volume, or null for a hole (or unwritten extent). */
export interface Run {
  logical: number;
  physical: number | null;
  length: number;
}

/** The byte ranges of a file of `size` bytes that its runs hold data for (holes and unwritten extents left out). */
export function dataRangesOf(runs: Run[], blockSize: number, size: number): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (const r of runs) {
    if (r.physical === null) continue;
    const offset = r.logical * blockSize;
    const end = Math.min(size, (r.logical + r.length) * blockSize);
    if (end <= offset) continue;
    const last = out.at(-1);
    if (last && last.offset + last.length === offset) last.length += end - offset;
    else out.push({ offset, length: end - offset });
  }
  return out;
}

/** Bytes [offset, offset+length) of a file from its runs; holes and unwritten extents read as zeros. */
export async function readRuns(vol: ByteSource, blockSize: number, runs: Run[], offset: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  const end = offset + length;
  // the first run that ends after offset
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((runs[mid]!.logical + runs[mid]!.length) * blockSize <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < runs.length; i++) {
    const r = runs[i]!;
    const from = Math.max(offset, r.logical * blockSize);
    const to = Math.min(end, (r.logical + r.length) * blockSize);
    if (from >= end) break;
    if (to <= from || r.physical === null) continue;
    const at = r.physical * blockSize + (from - r.logical * blockSize);
    const data = await readExact(vol, at, to - from, 'file data');
    data.copy(out, from - offset);
  }
  return out;
}
