import { InvalidArgumentError } from '../errors';
import type { IndexReader } from '../format/index-file';
import type { Repository } from '../repository';
import { openDiskIndex, openRestoreSession, resolveDisk } from './restore';
import { loadChunk } from '../store/chunk-io';

/** Random-access reads of a backed-up disk (file-level restore reads a filesystem through this). */
export interface DiskReader {
  readonly backup: string;
  readonly disk: string;
  readonly size: number;
  /** bytes [offset, offset+length) of the disk, clipped to its end */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openDiskReader(repo: Repository, opts: { group: string; backup?: string; disk?: string; cacheChunks?: number }): Promise<DiskReader> {
  const { manifest, record } = await resolveDisk(repo, opts.group, opts.backup, opts.disk);
  const session = await openRestoreSession(repo, manifest);
  let index: IndexReader;
  try {
    index = await openDiskIndex(repo, manifest, record);
  } catch (e) {
    await session.release();
    throw e;
  }
  const chunkSize = record.chunkSize;
  const cacheMax = Math.max(1, opts.cacheChunks ?? 4);
  const cache = new Map<number, Buffer>(); // insertion order = LRU order
  const chunkAt = async (i: number): Promise<Buffer> => {
    const hit = cache.get(i);
    if (hit) {
      cache.delete(i);
      cache.set(i, hit);
      return hit;
    }
    const length = Math.min(chunkSize, record.size - i * chunkSize);
    const digest = await index.get(i);
    let data: Buffer;
    if (digest === null) data = Buffer.alloc(length);
    else {
      const { plain } = await loadChunk(repo, digest);
      data = Buffer.from(plain); // the cache keeps its own copy; the pooled buffer goes back
      repo.dataBuffers.put(plain);
    }
    cache.set(i, data);
    if (cache.size > cacheMax) cache.delete(cache.keys().next().value as number);
    return data;
  };
  return {
    backup: manifest.id,
    disk: record.name,
    size: record.size,
    async read(offset, length) {
      if (!Number.isSafeInteger(offset) || offset < 0 || length < 0) throw new InvalidArgumentError(`Bad read ${offset}+${length}.`);
      const end = Math.min(record.size, offset + length);
      const out = Buffer.alloc(Math.max(0, end - offset));
      for (let at = offset; at < end; ) {
        const i = Math.floor(at / chunkSize);
        const chunk = await chunkAt(i);
        const from = at - i * chunkSize;
        const n = Math.min(chunk.length - from, end - at);
        chunk.copy(out, at - offset, from, from + n);
        at += n;
      }
      return out;
    },
    async close() {
      await index.close();
      await session.release();
    },
  };
}
