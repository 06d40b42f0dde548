import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from '@node-rs/crc32';
import { CONFIG_FILE, refString } from '../engine';
import { chunkListKey, committedRefs, CopyError, isChunkKey, pool, type CopyProgress } from './keys';
import type { ObjectStore as S3Store } from './s3-store';

/**
 * Pulls restore points from a copy in object storage into a folder, which is then a destination
 * like any other (`backstack destination add`), or back into the destination they came from.
 * Every key is checked against the repository's own names before it becomes a path here, every
 * chunk against the CRC-32 in its header; files are written under a temporary name and renamed,
 * the manifest last. No key is needed: sealed files are copied sealed.
 */

export interface CopyInOptions {
  /** restore point ids to pull (default: all) */
  backups?: readonly string[];
  parallel?: number;
  signal?: AbortSignal;
  log: (level: 'info' | 'warn', message: string) => void;
  onProgress?: (p: CopyProgress) => void;
}

export interface CopyInReport {
  pulled: string[];
  alreadyThere: string[];
  chunksFetched: number;
  bytesFetched: number;
  /** objects read from a version a delete marker hides */
  hiddenRead: number;
}

const repoId = (b: Buffer): string | null => {
  try {
    const c = JSON.parse(b.toString('utf8')) as { format?: string; id?: string };
    return c.format === 'backstack-repository' && typeof c.id === 'string' ? c.id : null;
  } catch {
    return null;
  }
};

async function writeNew(file: string, data: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  await fs.writeFile(tmp, data, { flag: 'wx' });
  await fs.rename(tmp, file);
}

const exists = (p: string) =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

/** A chunk file is whole when its header's CRC-32 covers the rest (engine/FORMAT.md, "Chunks"). */
function wholeChunk(b: Buffer): boolean {
  return b.length >= 20 && b.readUInt32BE(0) === 0x4253434b && b.readUInt32BE(16) === crc32(b.subarray(20)) >>> 0;
}

/** Files of a restore point's folder a copy may hold besides the manifest: disk indexes and notes. */
const FOLDER_FILE = /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.idx|notes\/[a-z][a-z0-9-]{0,39}\.(?:json|bin))$/;

export async function copyIn(store: S3Store, dir: string, o: CopyInOptions): Promise<CopyInReport> {
  const report: CopyInReport = { pulled: [], alreadyThere: [], chunksFetched: 0, bytesFetched: 0, hiddenRead: 0 };
  let hidden = 0;
  // every read goes through the versions: a key someone "deleted" (a delete marker) is read from the version it hides
  const read = async (rel: string): Promise<Buffer | null> => {
    const r = await store.getData(rel);
    if (r?.hidden) hidden++;
    return r?.body ?? null;
  };
  const remote = await read(CONFIG_FILE);
  const id = remote && repoId(remote);
  if (!remote || !id) throw new CopyError(`There is no Backstack copy at ${store.where} (no repository config.json).`);
  const localConfig = path.join(dir, CONFIG_FILE);
  const local = await fs.readFile(localConfig).catch(() => null);
  if (local) {
    if (repoId(local) !== id)
      throw new CopyError(
        `${dir} holds another repository (id ${repoId(local) ?? 'unreadable'}, the copy's is ${id}): pull into an empty folder or the destination the copy was made from.`,
      );
  } else {
    const entries = await fs.readdir(dir).catch(() => [] as string[]);
    if (entries.length) throw new CopyError(`${dir} is not empty and holds no repository: pull into an empty folder.`);
    await writeNew(localConfig, remote);
  }
  const refs = committedRefs((await store.listData('backups/')).keys());
  const wanted = o.backups ? new Set(o.backups) : null;
  if (wanted) {
    const known = new Set(refs.map(refString));
    const unknown = [...wanted].filter((w) => !known.has(w));
    if (unknown.length) throw new CopyError(`The copy at ${store.where} has no restore point ${unknown.join(', ')}.`);
  }
  const chosen = refs.filter((r) => !wanted || wanted.has(refString(r)));
  for (const [i, r] of chosen.entries()) {
    const folder = `backups/${r.group}/${r.time}`;
    if (await exists(path.join(dir, r.manifest))) {
      report.alreadyThere.push(refString(r));
      continue;
    }
    const list = await read(chunkListKey(r));
    if (!list)
      throw new CopyError(
        `The copy of ${refString(r)} at ${store.where} has no chunk list (${chunkListKey(r)}): it was not made by Backstack's copy, or is damaged.`,
      );
    const chunks = list.toString('utf8').split('\n').filter(Boolean);
    const bad = chunks.find((c) => !isChunkKey(c));
    if (bad !== undefined)
      throw new CopyError(`The chunk list of ${refString(r)} names "${bad.slice(0, 100)}", which is not a chunk: the copy is damaged.`);
    const missing: string[] = [];
    for (const c of chunks) if (!(await exists(path.join(dir, c)))) missing.push(c);
    o.log('info', `${refString(r)}: ${chunks.length} chunks, ${missing.length} to fetch.`);
    let done = 0;
    await pool(missing, o.parallel ?? 4, o.signal, async (rel) => {
      const body = await read(rel);
      if (!body) throw new CopyError(`Chunk ${rel} of ${refString(r)} is missing from the copy at ${store.where}.`);
      if (!wholeChunk(body))
        throw new CopyError(`Chunk ${rel} of ${refString(r)} in the copy at ${store.where} is damaged (its checksum does not match).`);
      await writeNew(path.join(dir, rel), body);
      report.chunksFetched++;
      report.bytesFetched += body.length;
      o.onProgress?.({ restorePoint: refString(r), index: i, count: chosen.length, done: ++done, total: missing.length, bytes: report.bytesFetched });
    });
    for (const key of (await store.listData(`${folder}/`)).keys()) {
      const rel = key.slice(folder.length + 1);
      if (key === r.manifest) continue;
      if (!FOLDER_FILE.test(rel)) {
        o.log('warn', `${refString(r)}: ${key.slice(0, 200)} in the copy is not a file of a restore point; left out.`);
        continue;
      }
      const body = await read(key);
      if (body) await writeNew(path.join(dir, folder, rel), body);
    }
    o.signal?.throwIfAborted();
    const manifest = await read(r.manifest);
    if (!manifest) throw new CopyError(`The manifest of ${refString(r)} disappeared from the copy at ${store.where} while it was pulled.`);
    await writeNew(path.join(dir, r.manifest), manifest);
    report.pulled.push(refString(r));
  }
  if (hidden) {
    o.log(
      'warn',
      `${hidden} object(s) of the copy at ${store.where} were hidden by delete markers (someone deleted them without removing their data); the versions they hide were read. Look into who deleted them.`,
    );
  }
  report.hiddenRead = hidden;
  return report;
}
