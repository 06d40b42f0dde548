import { readExact, type ByteSource } from './source';

/** A run of a file's logical blocks: where they are on the volume, or null for a hole (or unwritten extent). */
export interface Run {
  logical: number;
  physical: number | null;
  length: number;
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
