import fs from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILE, restorePointFiles, type Manifest, type Repository } from '../engine';
import { chunkListKey, CopyError, pool, type CopyProgress } from './keys';
import type { Lock, ObjectStore as S3Store } from './s3-store';

/**
 * Copies restore points of a destination (a repository folder) into an S3 bucket, byte for byte:
 * the copy is the same repository (engine/FORMAT.md, "Copies in object storage"), sealed files
 * stay sealed, so the store never sees keys or plain data. Per restore point: the chunks the
 * bucket lacks, then its indexes and notes, then the list of its chunks (what a pull reads
 * without any key), then its manifest, last: a restore point exists in the copy only once whole.
 */

export interface CopyOutOptions {
  /** Object Lock: every object of each restore point copied locked until then (existing chunks' locks extended) */
  lock?: Lock;
  /** uploads in flight (each holds one chunk file in memory) */
  parallel?: number;
  signal?: AbortSignal;
  log: (level: 'info' | 'warn', message: string) => void;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopyOutReport {
  copied: string[];
  alreadyThere: string[];
  chunksSent: number;
  chunksPresent: number;
  bytesSent: number;
}

/** Refuses a prefix that holds another repository; writes the config where there is none. */
export async function ensureSameRepository(repo: Repository, store: S3Store, lock?: Lock): Promise<void> {
  const local = await fs.readFile(path.join(repo.dir, CONFIG_FILE));
  const remote = await store.get(CONFIG_FILE);
  if (remote === null) {
    await store.put(CONFIG_FILE, local, lock);
    return;
  }
  const id = (b: Buffer): string | null => {
    try {
      return (JSON.parse(b.toString('utf8')) as { id?: string }).id ?? null;
    } catch {
      return null;
    }
  };
  if (id(remote) !== id(local)) {
    throw new CopyError(
      `${store.where} already holds another repository (id ${id(remote) ?? 'unreadable'}, this destination's is ${id(local)}): give this copy a prefix of its own.`,
    );
  }
  if (lock) await extendIfShorter(store, CONFIG_FILE, lock);
}

async function extendIfShorter(store: S3Store, rel: string, lock: Lock): Promise<void> {
  const h = await store.head(rel);
  if (h && (!h.lockedUntil || h.lockedUntil < lock.until)) await store.extendLock(rel, lock);
}

export async function copyOut(repo: Repository, store: S3Store, manifests: readonly Manifest[], o: CopyOutOptions): Promise<CopyOutReport> {
  const report: CopyOutReport = { copied: [], alreadyThere: [], chunksSent: 0, chunksPresent: 0, bytesSent: 0 };
  await ensureSameRepository(repo, store, o.lock);
  const present = await store.list('chunks/');
  const committed = new Set([...(await store.list('backups/')).keys()]);
  const read = (rel: string) => fs.readFile(path.join(repo.dir, rel));
  for (const [i, m] of manifests.entries()) {
    const files = await restorePointFiles(repo, m);
    if (committed.has(files.manifest)) {
      report.alreadyThere.push(m.id);
      if (o.lock) for (const rel of [...files.chunks, ...files.files, files.manifest]) await extendIfShorter(store, rel, o.lock);
      continue;
    }
    const missing = files.chunks.filter((c) => !present.has(c));
    const have = files.chunks.filter((c) => present.has(c));
    o.log('info', `${m.id}: ${files.chunks.length} chunks, ${missing.length} to send (${have.length} already in the copy).`);
    let done = 0;
    await pool(missing, o.parallel ?? 4, o.signal, async (rel) => {
      const body = await read(rel);
      await store.put(rel, body, o.lock);
      present.set(rel, body.length);
      report.chunksSent++;
      report.bytesSent += body.length;
      o.onProgress?.({ restorePoint: m.id, index: i, count: manifests.length, done: ++done, total: missing.length, bytes: report.bytesSent });
    });
    if (o.lock) await pool(have, o.parallel ?? 4, o.signal, (rel) => extendIfShorter(store, rel, o.lock!));
    report.chunksPresent += have.length;
    for (const rel of files.files) await store.put(rel, await read(rel), o.lock);
    await store.put(chunkListKey(m), Buffer.from(files.chunks.join('\n') + '\n'), o.lock);
    // verified before the manifest makes it visible: every object of the restore point there, at its size
    const there = await store.list(`${path.posix.dirname(files.manifest)}/`);
    for (const rel of files.files) {
      const size = (await fs.stat(path.join(repo.dir, rel))).size;
      if (there.get(rel) !== size)
        throw new CopyError(`${rel} is not in the copy at ${store.where} as written (${there.get(rel) ?? 'missing'} bytes of ${size}).`);
    }
    for (const rel of files.chunks) if (!present.has(rel)) throw new CopyError(`Chunk ${rel} is missing from the copy at ${store.where}.`);
    o.signal?.throwIfAborted();
    await store.put(files.manifest, await read(files.manifest), o.lock);
    report.copied.push(m.id);
    o.log('info', `${m.id} copied${o.lock ? `, locked (${o.lock.mode}) until ${o.lock.until.toISOString()}` : ''}.`);
  }
  return report;
}
