import { assemble, gaps, RangeCursor, type Window } from '../io/assembler';
import { MissingChunkError, SourceError } from '../errors';
import { type ExtentSource, normalizeRanges, type Range } from '../io/extents';
import type { IndexReader, IndexWriter } from '../format/index-file';
import type { DiskStats } from '../format/manifest';
import type { ProgressMeter } from './progress';
import type { WorkerResult } from '../workers/worker-protocol';
import type { Repository } from '../repository';
import { CHUNK_HEADER } from '../format/chunk-format';
import type { ChunkFile } from '../store/chunk-store';
import { OrderedQueue } from '../workers/ordered-queue';
import type { WorkerPool } from '../workers/worker-pool';
import { observed } from './promises';

/**
 * The pipeline that turns one disk's extents into index entries: windows are hashed,
 * compressed and sealed in the worker pool, at most `maxInFlight` at once (the memory bound
 * and the backpressure on the source), and their digests are written to the index in order.
 */

export interface DiskJob {
  repo: Repository;
  pool: WorkerPool;
  source: ExtentSource;
  index: IndexWriter;
  /** the parent disk's index, when building on a previous backup */
  parent: IndexReader | null;
  /** ranges to read; null = the whole disk. Outside them the parent's chunks are kept. */
  changed: Range[] | null;
  meter: ProgressMeter;
  signal: AbortSignal | undefined;
}

export async function runDiskBackup(job: DiskJob): Promise<DiskStats> {
  const { repo, pool, source, index, parent, meter, signal } = job;
  const chunkSize = repo.chunkSize;
  const size = source.size;
  const stats: DiskStats = { bytesRead: 0, bytesNew: 0, bytesStored: 0, chunksNew: 0, chunksReused: 0, holes: 0 };
  let changed = job.changed;
  /** positions whose data the source must give in full (their parent chunk is gone) */
  const required = new Set<number>();
  if (changed && parent) changed = await protectParentChunks(job, changed, required);

  const queue = new OrderedQueue<string | null>(async (digest) => {
    await index.push(digest);
    meter.p.bytesDone = Math.min(size, meter.p.bytesDone + chunkSize);
    meter.tick();
  }, pool.size + 2);

  const storeData = async (w: Window, buf: Buffer, base?: { digest: string; keep: [number, number][] }): Promise<string | null> => {
    let outcome;
    try {
      const out = repo.frameBuffers.get();
      const contiguous = repo.chunks.directUsable && repo.frameBuffers.isAligned(out);
      outcome = await pool.run({ op: 'store', data: buf, out, contiguous, ...(base ? { base } : {}) });
    } catch (e) {
      if (base && e instanceof MissingChunkError && e.digest === base.digest) throw new MissingChunkError(base.digest, 'needed to build an incremental backup: run a full backup');
      throw e;
    }
    const { result: r, returned } = outcome;
    const [data, frame] = returned as [Buffer, Buffer];
    try {
      return await account(w, r, frame, data);
    } finally {
      repo.dataBuffers.put(data);
      repo.frameBuffers.put(frame);
    }
  };
  const account = async (w: Window, r: WorkerResult, frame: Buffer, data: Buffer): Promise<string | null> => {
    if (r.kind === 'hole') {
      stats.holes++;
      return null;
    }
    if (r.kind === 'exists') {
      stats.chunksReused++;
      return r.digest;
    }
    if (r.kind !== 'new') throw new Error(`unexpected worker result ${r.kind}`);
    const file: ChunkFile = r.payloadIsPlain
      ? [frame.subarray(0, CHUNK_HEADER), data]
      : repo.frameBuffers.isAligned(frame)
        ? { buf: frame, length: r.frameLength }
        : frame.subarray(0, r.frameLength);
    if (!(await repo.chunks.write(r.digest, file))) {
      stats.chunksReused++; // an identical chunk was written meanwhile (a duplicate in flight)
      return r.digest;
    }
    stats.chunksNew++;
    stats.bytesNew += w.length;
    stats.bytesStored += r.frameLength;
    meter.p.bytesNew += w.length;
    meter.p.bytesStored += r.frameLength;
    return r.digest;
  };
  /** A zeroed window buffer, recycled when it is chunk-sized. */
  const zeroed = (length: number): Buffer => (length === chunkSize ? repo.dataBuffers.get().fill(0) : Buffer.alloc(length));

  const cursor = changed ? new RangeCursor(changed) : null;
  try {
    const hint = { chunkSize, alloc: () => repo.dataBuffers.get(), aligned: (b: Buffer) => repo.dataBuffers.isAligned(b), ...(signal ? { signal } : {}) };
    // Only the changed bytes are read, even where the source could give whole windows: the
    // rest comes from the parent's chunk, whose untouched frames need no recompression.
    for await (const w of assemble(source.extents(changed, hint), size, chunkSize, zeroed, hint.aligned)) {
      signal?.throwIfAborted();
      stats.bytesRead += w.dataBytes;
      meter.p.bytesRead += w.dataBytes;
      const split = cursor ? cursor.split(w) : { inside: [{ offset: w.offset, length: w.length }], outside: [] };
      const uncovered = gaps(w.offset, w.offset + w.length, w.covered);
      if (required.has(w.index) && uncovered.length > 0) {
        throw new SourceError(`The parent's chunk for bytes ${w.offset}+${w.length} is missing and the source did not supply them: run a full backup (without a changed-extent list).`);
      }
      // The parent's chunk here is shorter or longer than this window if the disk was resized.
      const sameShape = parent !== null && Math.min(chunkSize, parent.diskSize - w.offset) === w.length;
      if (w.covered.length === 0 && split.inside.length === 0 && sameShape) {
        // Unchanged: keep the parent's chunk (touched by protectParentChunks).
        const d = await (parent as IndexReader).get(w.index);
        if (d === null) stats.holes++;
        else stats.chunksReused++;
        await queue.push(d);
      } else if (w.covered.length === 0 && split.outside.length === 0) {
        stats.holes++;
        await queue.push(null);
      } else {
        const fromParent = split.outside.length > 0 ? uncoveredOutside(uncovered, split.outside, (parent as IndexReader).diskSize) : [];
        const buf = w.buf ?? zeroed(w.length);
        // A partly changed window is completed from the parent's chunk by the worker (a parent
        // hole leaves the zeros already there).
        const parentDigest = fromParent.length > 0 ? await (parent as IndexReader).get(w.index) : null;
        const keep = fromParent.map((r): [number, number] => [r.offset - w.offset, r.length]);
        await queue.push(storeData(w, buf, parentDigest === null ? undefined : { digest: parentDigest, keep }));
      }
    }
    await queue.finish();
  } catch (e) {
    await queue.settle(); // no chunk write may race the caller's cleanup
    throw e;
  }
  meter.tick(true);
  return stats;
}

/** Uncovered bytes of the window outside the changed ranges (and inside the parent's disk): they come from the parent. */
function uncoveredOutside(uncovered: Range[], outside: Range[], parentSize: number): Range[] {
  const out: Range[] = [];
  for (const u of uncovered) {
    for (const o of outside) {
      const a = Math.max(u.offset, o.offset);
      const b = Math.min(u.offset + u.length, o.offset + o.length, parentSize);
      if (b > a) out.push({ offset: a, length: b - a });
    }
  }
  return out;
}

/**
 * Touches every parent chunk the new index will keep or merge, so a concurrent GC spares them
 * (FORMAT.md, "GC"). A missing one widens the changed ranges to its whole window and marks the
 * position as required from the source.
 */
async function protectParentChunks(job: DiskJob, changed: Range[], required: Set<number>): Promise<Range[]> {
  const parent = job.parent as IndexReader;
  const chunkSize = job.repo.chunkSize;
  const size = job.source.size;
  const n = Math.ceil(size / chunkSize);
  const cursor = new RangeCursor(changed);
  const extra: Range[] = [];
  const now = new Date();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const w = { offset: i * chunkSize, length: Math.min(chunkSize, size - i * chunkSize) };
    if (cursor.split(w).outside.length === 0) continue;
    const digest = await parent.get(i);
    if (digest === null) continue;
    pending.push(
      observed(
        job.repo.chunks.touch(digest, now).then((ok) => {
          if (!ok) {
            required.add(i);
            extra.push(w);
          }
        }),
      ),
    );
    if (pending.length >= 32) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return extra.length === 0 ? changed : normalizeRanges([...changed, ...extra], size);
}
