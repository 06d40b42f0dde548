import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { scanBackups, uncommittedRefs } from './listing';
import { DigestCache } from '../store/digest-cache';
import { CorruptMetadataError, isErrno } from '../errors';
import { listDir, mkdirp } from '../io/fsutil';
import { type BackupRef, isDigest, TEMP_INFIX } from '../format/layout';
import { liveSessions, withExclusiveLock } from '../store/locks';
import { ProgressMeter, type ProgressListener } from './progress';
import type { Repository } from '../repository';
import { openDiskIndex } from './restore';
import { exists } from '../io/fsutil';
import { observed } from './promises';

export interface GcOptions {
  /**
   * Unreferenced chunks younger than this are kept (default 1 hour). It must exceed the clock
   * skew between machines that share the repository. A floor of CLOCK_MARGIN_MS always applies.
   */
  graceMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface GcReport {
  chunksMarked: number;
  chunksRemoved: number;
  bytesRemoved: number;
  chunksKept: number;
  /** chunks referenced by a backup but absent (run verify) */
  missingChunks: string[];
  /** unfinished backup folders and temporary files removed */
  leftoversRemoved: number;
  /** chunks older than the cutoff are candidates for removal */
  cutoff: string;
}

export const DEFAULT_GRACE_MS = 60 * 60_000;
/** File times come from the kernel's coarse clock; Date.now() may run a little ahead of it. */
export const CLOCK_MARGIN_MS = 2_000;

/**
 * Mark and sweep, safe beside running backups (FORMAT.md, "GC"):
 * - mark: every chunk referenced by a committed backup gets its mtime set to now;
 * - writers set the mtime of every chunk they reference (new or reused) while they run;
 * - sweep: a chunk is removed only if its mtime is older than
 *   cutoff = min(GC start, start of the oldest running session) − grace.
 * The sweep moves a candidate to tmp/ and re-reads its mtime: if a writer touched it in
 * between, it is put back; a writer touching it after the move finds it gone and writes it anew.
 */
export async function collectGarbage(repo: Repository, opts: GcOptions = {}): Promise<GcReport> {
  return withExclusiveLock(repo.layout, 'gc', 'garbage collection', async () => {
    const gcStart = Date.now();
    const sessions = await liveSessions(repo.layout, true);
    const oldest = Math.min(gcStart, ...sessions.map((s) => s.startedAt));
    const cutoff = oldest - Math.max(opts.graceMs ?? DEFAULT_GRACE_MS, CLOCK_MARGIN_MS);
    const report: GcReport = { chunksMarked: 0, chunksRemoved: 0, bytesRemoved: 0, chunksKept: 0, missingChunks: [], leftoversRemoved: 0, cutoff: new Date(cutoff).toISOString() };
    await mark(repo, report, opts);
    await sweep(repo, report, cutoff, opts);
    const writing = new Set(sessions.map((s) => s.writing).filter((w): w is string => w !== null));
    for (const ref of await uncommittedRefs(repo)) await removeLeftover(repo, ref, writing, cutoff, report);
    return report;
  });
}

async function mark(repo: Repository, report: GcReport, opts: GcOptions): Promise<void> {
  const { backups, unreadable } = await scanBackups(repo);
  // Without every manifest we cannot know what is in use: refuse rather than delete.
  const bad = unreadable[0];
  if (bad) throw new CorruptMetadataError(bad.id, `cannot be read, so GC cannot tell which chunks it uses: ${bad.error}`);
  const meter = new ProgressMeter('gc-mark', backups.reduce((s, b) => s + b.totals.size, 0), opts.onProgress);
  const touched = new DigestCache();
  const missing = new Set<string>();
  const now = new Date();
  for (const m of backups) {
    for (const d of m.disks) {
      let index: Awaited<ReturnType<typeof openDiskIndex>>;
      try {
        index = await openDiskIndex(repo, m, d);
      } catch (e) {
        // Pruned since the scan (by a job beside this one, or another workstation): nothing to keep.
        if (!(await exists(repo.layout.manifest(m, repo.encrypted)))) continue;
        throw e;
      }
      const pending: Promise<void>[] = [];
      try {
        for await (const digest of index.entries()) {
          opts.signal?.throwIfAborted();
          meter.p.bytesDone += d.chunkSize;
          if (digest === null || touched.has(digest)) continue;
          touched.add(digest);
          pending.push(
            observed(
              repo.chunks.touch(digest, now).then((ok) => {
                if (ok) report.chunksMarked++;
                else missing.add(digest);
              }),
            ),
          );
          if (pending.length >= 64) {
            await Promise.all(pending.splice(0));
            meter.tick();
          }
        }
        await Promise.all(pending);
      } finally {
        await index.close();
      }
    }
  }
  report.missingChunks = [...missing];
  meter.tick(true);
}

async function sweep(repo: Repository, report: GcReport, cutoff: number, opts: GcOptions): Promise<void> {
  await mkdirp(repo.layout.tmp);
  const meter = new ProgressMeter('gc-sweep', 256, opts.onProgress);
  for (const prefix of (await listDir(repo.layout.chunks)).sort()) {
    const dir = path.join(repo.layout.chunks, prefix);
    for (const name of await listDir(dir)) {
      opts.signal?.throwIfAborted();
      const file = path.join(dir, name);
      const st = await fs.stat(file).catch(() => undefined);
      if (!st || st.mtimeMs >= cutoff) {
        if (st && isDigest(name)) report.chunksKept++;
        continue;
      }
      if (name.includes(TEMP_INFIX)) {
        await fs.rm(file, { force: true }); // a writer died before its rename
        report.leftoversRemoved++;
      } else if (isDigest(name)) {
        if (await removeChunk(repo, file, cutoff)) {
          report.chunksRemoved++;
          report.bytesRemoved += st.size;
        } else report.chunksKept++;
      }
    }
    meter.p.bytesDone++;
    meter.tick();
  }
  for (const name of await listDir(repo.layout.tmp)) {
    const file = path.join(repo.layout.tmp, name);
    const st = await fs.stat(file).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) await fs.rm(file, { recursive: true, force: true });
  }
  meter.tick(true);
}

/** Removes a chunk unless a writer touched it meanwhile (see collectGarbage). */
async function removeChunk(repo: Repository, file: string, cutoff: number): Promise<boolean> {
  const trash = path.join(repo.layout.tmp, `gc-${randomBytes(6).toString('hex')}-${path.basename(file)}`);
  try {
    await fs.rename(file, trash);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
  const st = await fs.stat(trash);
  if (st.mtimeMs < cutoff) {
    await fs.rm(trash, { force: true });
    return true;
  }
  // Touched between our stat and the rename: put it back, unless a writer already wrote it anew.
  try {
    await fs.link(trash, file);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) await fs.rename(trash, file).catch(() => undefined);
  }
  await fs.rm(trash, { force: true });
  return false;
}

async function removeLeftover(repo: Repository, ref: BackupRef, writing: Set<string>, cutoff: number, report: GcReport): Promise<void> {
  const dir = repo.layout.backup(ref);
  if (writing.has(path.relative(repo.dir, dir))) return;
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st || st.mtimeMs >= cutoff) return;
  await fs.rm(dir, { recursive: true, force: true });
  report.leftoversRemoved++;
}
