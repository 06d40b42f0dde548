import { scanBackups } from './listing';
import { CorruptChunkError, MissingChunkError } from '../errors';
import { DigestCache } from '../store/digest-cache';
import type { IndexReader } from '../format/index-file';
import type { Manifest } from '../format/manifest';
import { ProgressMeter, type ProgressListener } from './progress';
import type { Repository } from '../repository';
import { openDiskIndex } from './restore';
import { loadChunk } from '../store/chunk-io';
import { observed } from './promises';
import { exists } from '../io/fsutil';
import { Session } from '../store/locks';

export interface VerifyScope {
  /** only this group */
  group?: string;
  /** only this backup (a time within `group`, or "group/time") */
  backup?: string;
  /** only this disk */
  disk?: string;
}

export interface VerifyProblem {
  kind: 'missing-chunk' | 'corrupt-chunk' | 'corrupt-index' | 'unreadable-manifest';
  /** the chunk, for chunk problems */
  digest?: string;
  detail: string;
  /** the backups and disks that cannot be restored because of it */
  affects: { backup: string; disk?: string }[];
}

export interface VerifyReport {
  ok: boolean;
  backupsChecked: number;
  disksChecked: number;
  /** distinct chunks read and checked */
  chunksChecked: number;
  bytesChecked: number;
  problems: VerifyProblem[];
  backups: { id: string; ok: boolean; disks: { name: string; ok: boolean; badChunks: number }[] }[];
}

/**
 * Re-reads and checks every chunk the chosen backups use (each distinct chunk once), and the
 * index files against their manifests. Chunk problems name every backup that uses the chunk,
 * including backups outside the scope.
 */
export async function verifyRepository(repo: Repository, scope: VerifyScope = {}, opts: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<VerifyReport> {
  const inScope = (m: Manifest): boolean => {
    if (scope.group !== undefined && m.group !== scope.group) return false;
    if (scope.backup !== undefined && scope.backup !== m.time && scope.backup !== m.id) return false;
    return scope.disk === undefined || m.disks.some((d) => d.name === scope.disk);
  };
  const { backups, unreadable } = await scanBackups(repo);
  // Read under a session naming the backups read: prune keeps them meanwhile (from any
  // installation sharing the repository), so GC keeps their chunks and verify never reports a
  // chunk as missing because it was collected while being checked.
  const session = await Session.open(repo.layout, 'verify', backups.filter(inScope).map((m) => m.id));
  try {
    // Pruned between the scan and the session: nothing left to check for those.
    const selected: Manifest[] = [];
    for (const m of backups.filter(inScope)) if (await exists(repo.layout.manifest(m, repo.encrypted))) selected.push(m);
    const report: VerifyReport = { ok: true, backupsChecked: selected.length, disksChecked: 0, chunksChecked: 0, bytesChecked: 0, problems: [], backups: [] };
    for (const u of unreadable) {
      if (scope.group === undefined || u.id.startsWith(`${scope.group}/`)) report.problems.push({ kind: 'unreadable-manifest', detail: u.error, affects: [{ backup: u.id }] });
    }
    const meter = new ProgressMeter('verify', 0, opts.onProgress);
    for (const m of selected) for (const d of m.disks) if (scope.disk === undefined || d.name === scope.disk) meter.p.bytesTotal += d.size;

    const good = new DigestCache();
    const bad = new Map<string, VerifyProblem>();
    const inflight = new Map<string, Promise<void>>();
    const pool = repo.pool();
    const check = (digest: string): Promise<void> => {
      let p = inflight.get(digest);
      if (!p) {
        p = (async () => {
          try {
            const { plain, frameLength } = await loadChunk(repo, digest, { check: true });
            repo.dataBuffers.put(plain);
            report.chunksChecked++;
            report.bytesChecked += frameLength;
            meter.p.bytesRead += frameLength;
            good.add(digest);
          } catch (e) {
            if (e instanceof MissingChunkError) bad.set(digest, { kind: 'missing-chunk', digest, detail: e.message, affects: [] });
            else if (e instanceof CorruptChunkError) bad.set(digest, { kind: 'corrupt-chunk', digest, detail: e.message, affects: [] });
            else throw e;
          } finally {
            inflight.delete(digest);
          }
        })();
        inflight.set(digest, p);
      }
      return p;
    };

    for (const m of selected) {
      const entry: VerifyReport['backups'][number] = { id: m.id, ok: true, disks: [] };
      report.backups.push(entry);
      for (const d of m.disks) {
        if (scope.disk !== undefined && d.name !== scope.disk) continue;
        report.disksChecked++;
        const diskEntry = { name: d.name, ok: true, badChunks: 0 };
        entry.disks.push(diskEntry);
        let index: IndexReader;
        try {
          index = await openDiskIndex(repo, m, d);
        } catch (e) {
          report.problems.push({ kind: 'corrupt-index', detail: (e as Error).message, affects: [{ backup: m.id, disk: d.name }] });
          diskEntry.ok = entry.ok = false;
          continue;
        }
        const waiting: Promise<void>[] = [];
        const seenBad = new Set<string>();
        const noteIfBad = (digest: string): void => {
          const problem = bad.get(digest);
          if (!problem || seenBad.has(digest)) return;
          seenBad.add(digest);
          problem.affects.push({ backup: m.id, disk: d.name });
          diskEntry.badChunks++;
          diskEntry.ok = entry.ok = false;
        };
        try {
          for await (const digest of index.entries()) {
            opts.signal?.throwIfAborted();
            meter.p.bytesDone += d.chunkSize;
            meter.tick();
            if (digest === null || good.has(digest)) continue;
            if (bad.has(digest)) noteIfBad(digest);
            else {
              waiting.push(observed(check(digest).then(() => noteIfBad(digest))));
              if (waiting.length >= pool.size * 2) await Promise.all(waiting.splice(0));
            }
          }
          await Promise.all(waiting);
        } finally {
          await index.close();
        }
      }
    }
    if (bad.size > 0) await addOutsideAffects(repo, backups.filter((m) => !selected.includes(m)), bad);
    report.problems.push(...bad.values());
    report.ok = report.problems.length === 0;
    meter.p.bytesDone = meter.p.bytesTotal;
    meter.tick(true);
    return report;
  } finally {
    await session.release();
  }
}

/** Names backups outside the scope that use a damaged chunk (index scan only, no chunk reads). */
async function addOutsideAffects(repo: Repository, others: Manifest[], bad: Map<string, VerifyProblem>): Promise<void> {
  for (const m of others) {
    for (const d of m.disks) {
      let index: IndexReader;
      try {
        index = await openDiskIndex(repo, m, d);
      } catch {
        continue;
      }
      const seen = new Set<string>();
      try {
        for await (const digest of index.entries()) {
          if (digest === null || seen.has(digest)) continue;
          const p = bad.get(digest);
          if (p) {
            seen.add(digest);
            p.affects.push({ backup: m.id, disk: d.name });
          }
        }
      } finally {
        await index.close();
      }
    }
  }
}
