import { findBackup } from './listing';
import { BackupNotFoundError, CorruptMetadataError, InvalidArgumentError } from '../errors';
import { hashFile, IndexReader } from '../format/index-file';
import type { DiskRecord, Manifest } from '../format/manifest';
import { ProgressMeter, type ProgressListener } from './progress';
import type { Repository } from '../repository';
import type { ExtentSink } from '../io/sinks';
import { Session } from '../store/locks';
import { exists } from '../io/fsutil';
import { loadChunk } from '../store/chunk-io';
import { DigestOffsets } from '../store/digest-cache';
import { OrderedQueue } from '../workers/ordered-queue';

export interface RestoreOptions {
  group: string;
  /** 'latest' (default), a time, or "group/time" */
  backup?: string;
  /** the disk to restore; may be omitted when the backup has exactly one */
  disk?: string;
  sink: ExtentSink;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  progressIntervalMs?: number;
}

export interface RestoreResult {
  backup: string;
  disk: string;
  size: number;
  /** data bytes written to the sink (holes excluded) */
  bytesWritten: number;
  holes: number;
}

/** A session protecting the backup from prune, opened only while the backup still exists. */
export async function openRestoreSession(repo: Repository, manifest: Manifest): Promise<Session> {
  const session = await Session.open(repo.layout, 'restore', [manifest.id]);
  if (!(await exists(repo.layout.manifest(manifest, repo.encrypted)))) {
    await session.release();
    throw new BackupNotFoundError(manifest.id); // pruned between lookup and lock
  }
  return session;
}

export async function resolveDisk(repo: Repository, group: string, backup: string | undefined, disk: string | undefined): Promise<{ manifest: Manifest; record: DiskRecord }> {
  const manifest = await findBackup(repo, group, backup ?? 'latest', disk);
  let record: DiskRecord | undefined;
  if (disk === undefined) {
    if (manifest.disks.length !== 1) throw new InvalidArgumentError(`Backup ${manifest.id} has ${manifest.disks.length} disks (${manifest.disks.map((d) => d.name).join(', ')}): name one.`);
    record = manifest.disks[0];
  } else record = manifest.disks.find((d) => d.name === disk);
  if (!record) throw new BackupNotFoundError(manifest.id, disk);
  return { manifest, record };
}

/** Opens a disk's index after checking it against the manifest (checksum and id). */
export async function openDiskIndex(repo: Repository, manifest: Manifest, record: DiskRecord): Promise<IndexReader> {
  const ref = { group: manifest.group, time: manifest.time };
  const file = repo.layout.index(ref, record.name);
  const { sha256 } = await hashFile(file).catch(() => ({ sha256: 'missing' }));
  if (sha256 !== record.index.sha256) throw new CorruptMetadataError(file, sha256 === 'missing' ? 'index file missing' : 'index checksum does not match the manifest');
  const index = await IndexReader.open(repo, file, record.index.id);
  if (index.diskSize !== record.size || index.chunkSize !== record.chunkSize) {
    await index.close();
    throw new CorruptMetadataError(file, 'index header does not match the manifest');
  }
  return index;
}

/**
 * Restores one disk to a sink in disk order. Every chunk is checked (GCM tag or digest) before
 * its bytes reach the sink; a damaged or missing chunk stops the restore and the sink is
 * aborted, so wrong data is never written silently.
 */
interface Item {
  offset: number;
  length: number;
  /** decoded bytes, or null for a hole (or a copy) */
  data: Buffer | null;
  /** copy these bytes from this earlier offset of the target */
  copyFrom?: number;
}

export async function restoreDisk(repo: Repository, opts: RestoreOptions): Promise<RestoreResult> {
  const { manifest, record } = await resolveDisk(repo, opts.group, opts.backup, opts.disk);
  const session = await openRestoreSession(repo, manifest);
  const meter = new ProgressMeter('restore', record.size, opts.onProgress, opts.progressIntervalMs);
  meter.p.disk = record.name;
  let index: IndexReader | undefined;
  let opened = false;
  const pool = repo.pool();
  const firstAt = opts.sink.copy ? new DigestOffsets() : null;
  const result: RestoreResult = { backup: manifest.id, disk: record.name, size: record.size, bytesWritten: 0, holes: 0 };
  let holeStart = -1;
  let holeLen = 0;
  const flushHoles = async (): Promise<void> => {
    if (holeLen > 0) await opts.sink.zero(holeStart, holeLen);
    holeLen = 0;
  };
  // Writes in disk order; consecutive holes become one zero() call.
  const write = async ({ offset, length, data, copyFrom }: Item): Promise<void> => {
    if (copyFrom !== undefined) {
      await flushHoles();
      await opts.sink.copy?.(copyFrom, offset, length);
      result.bytesWritten += length;
      meter.p.bytesStored += length;
    } else if (data === null) {
      if (holeLen === 0) holeStart = offset;
      holeLen += length;
      result.holes++;
    } else {
      await flushHoles();
      await opts.sink.write(offset, data);
      result.bytesWritten += data.length;
      meter.p.bytesStored += data.length;
      repo.dataBuffers.put(data);
    }
    meter.p.bytesDone += length;
    meter.tick();
  };
  // Restores wait on I/O more than on the CPU: a deeper pipeline keeps the workers busy.
  const queue = new OrderedQueue(write, pool.size * 3 + 2);
  const fetch = async (digest: string, offset: number, length: number): Promise<Item> => {
    const { plain, frameLength } = await loadChunk(repo, digest);
    meter.p.bytesRead += frameLength;
    if (plain.length !== length) throw new CorruptMetadataError(repo.layout.index(manifest, record.name), `chunk ${digest} has ${plain.length} bytes where the index needs ${length}`);
    return { offset, length, data: plain };
  };
  try {
    index = await openDiskIndex(repo, manifest, record);
    await opts.sink.open(record.size);
    opened = true;
    for (let i = 0; i < index.count; i++) {
      opts.signal?.throwIfAborted();
      const digest = await index.get(i);
      const offset = i * record.chunkSize;
      const length = Math.min(record.chunkSize, record.size - offset);
      if (digest === null) {
        await queue.push({ offset, length, data: null });
        continue;
      }
      // A chunk this restore already wrote is copied from the target instead of decoded again.
      const seenAt = firstAt?.get(digest);
      if (seenAt !== undefined && length === Math.min(record.chunkSize, record.size - seenAt)) {
        await queue.push({ offset, length, data: null, copyFrom: seenAt });
      } else {
        firstAt?.set(digest, offset);
        await queue.push(fetch(digest, offset, length));
      }
    }
    await queue.finish();
    await flushHoles();
    await opts.sink.finish();
  } catch (e) {
    await queue.settle();
    if (opened) await opts.sink.abort().catch(() => undefined);
    throw e;
  } finally {
    await index?.close();
    await session.release();
  }
  meter.tick(true);
  return result;
}
