import { AppError } from '../../../shared/errors/codes';
import type { FilesIndexInput, FilesSearchInput, FilesSearchOutput } from '../../../shared/domain/files-search';
import type { JobParams } from '../../../shared/domain/jobs';
import type { BackupRecord, BackupsTable } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import type { JobContext } from '../../jobs/types';
import { findBackup, parseRef, type Repository } from '../../engine';
import type { DestinationsService } from '../destinations/destinations.service';
import { buildIndex, hasIndex, readIndex, writeIndex } from './index-note';
import { SearchIndex } from './search-index';
import { compilePattern } from './search-pattern';

type Held = { state: 'indexed' } | { state: 'missing'; checkedAt: number } | { state: 'unreadable'; reason: string };

/** A restore point found without an index is looked for again after this long (a job elsewhere may have written it). */
const RECHECK_MS = 60_000;
const NOT_INDEXED_LISTED = 100;

/**
 * Search by name across restore points, and the file indexes it reads. The indexes live in the
 * destinations (index-note.ts); this service loads the ones a search needs into one SearchIndex
 * the first time, keeps them for the next searches, drops those the catalog no longer lists
 * (pruned), and builds new ones as `files.index` jobs (queued after each backup).
 */
export class FilesSearchService {
  private readonly index = new SearchIndex();
  private readonly held = new Map<string, Held>();
  private loading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly destinations: Pick<DestinationsService, 'open'>,
    private readonly backups: Pick<BackupsTable, 'list' | 'get'>,
    private readonly jobs?: Pick<JobManager, 'enqueue'>,
    /** the project of an instance the inventory knows (for restore points not indexed yet) */
    private readonly projectOf: (providerId: string | null, instanceId: string) => string | null = () => null,
    private readonly now: () => number = Date.now,
  ) {}

  async search(i: Required<Pick<FilesSearchInput, 'pattern' | 'limit'>> & Pick<FilesSearchInput, 'instanceId' | 'projectId'>): Promise<FilesSearchOutput> {
    const started = performance.now();
    const matcher = compilePattern(i.pattern);
    const records = this.backups.list(i.instanceId ? { resourceId: i.instanceId } : {});
    if (!records.length) {
      const what = i.instanceId ? `instance ${i.instanceId}` : 'any instance';
      throw new AppError('resource.notFound', `The catalog holds no restore point of ${what}: back it up first, or re-index the destination that holds its restore points.`);
    }
    await this.load(records);
    const projectOfRecord = new Map<string, string | null>();
    const inScope = new Set(records.map((r) => keyOf(r.destinationId, r.id)));
    const found = this.index.search(
      matcher,
      {
        restorePoint: (d, b) => inScope.has(keyOf(d, b)),
        ...(i.projectId ? { lineage: (l) => l.projectId === i.projectId } : {}),
      },
      i.limit,
    );
    const notIndexed: FilesSearchOutput['notIndexed'] = [];
    const unreadable: FilesSearchOutput['unreadable'] = [];
    let notIndexedCount = 0;
    for (const r of records) {
      const h = this.held.get(keyOf(r.destinationId, r.id));
      if (h?.state === 'indexed') continue;
      if (i.projectId) {
        if (!projectOfRecord.has(r.resourceId)) projectOfRecord.set(r.resourceId, this.projectOf(r.providerId, r.resourceId));
        if (projectOfRecord.get(r.resourceId) !== i.projectId) continue;
      }
      if (h?.state === 'unreadable') unreadable.push({ backupId: r.id, destinationId: r.destinationId, reason: h.reason });
      else if (notIndexedCount++ < NOT_INDEXED_LISTED) notIndexed.push({ backupId: r.id, destinationId: r.destinationId, createdAt: r.createdAt, resourceName: r.resourceName });
    }
    return {
      hits: found.hits,
      total: found.total,
      truncated: found.total > found.hits.length,
      restorePoints: found.restorePoints,
      entries: found.entries,
      notIndexed,
      notIndexedCount,
      unreadable,
      tookMs: Math.round(performance.now() - started),
    };
  }

  /** Queues a `files.index` job for each restore point (one with an index is left as it is, unless force). */
  startIndex(i: FilesIndexInput): { jobIds: string[] } {
    if (!this.jobs) throw new AppError('internal', 'Indexing needs the job manager.');
    const jobIds = i.restorePoints.map(({ backupId, destinationId }) => {
      const holder = destinationId ?? this.backups.get(backupId)?.destinationId;
      if (!holder) throw new AppError('resource.notFound', `No restore point ${backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
      return this.jobs!.enqueue('files.index', { backupId, destinationId: holder, force: i.force ?? false }).id;
    });
    return { jobIds };
  }

  /** The work of a `files.index` job: walks the restore point's file systems and keeps the index with it. */
  async buildIndex(ctx: JobContext<JobParams<'files.index'>>): Promise<{ summary: string }> {
    const p = ctx.params;
    const repo = await this.destinations.open(p.destinationId);
    try {
      const ref = parseRef(p.backupId);
      if (!p.force && (await hasIndex(repo, ref))) return { summary: `${p.backupId} was indexed already.` };
      const m = await findBackup(repo, ref.group, p.backupId);
      ctx.progress({ phase: 'Reading the file systems', unit: 'steps', bytesDone: 0, bytesTotal: null });
      const note = await buildIndex(repo, m, { signal: ctx.signal, onProgress: (n, where) => ctx.progress({ phase: `Indexing ${where}`, bytesDone: n }) });
      for (const s of note.skipped) ctx.log('info', `Not indexed: ${s}`);
      for (const v of note.volumes) {
        ctx.log('info', `${v.volume} (${v.fileSystem}): ${v.entries} entries.`);
        for (const x of v.problems) ctx.log('warn', `${v.volume}: not indexed past ${x}`);
      }
      await writeIndex(repo, ref, note);
      this.forget(p.destinationId, p.backupId);
      const entries = note.volumes.reduce((n, v) => n + v.entries, 0);
      return { summary: `${entries} entries of ${note.volumes.length} file system${note.volumes.length === 1 ? '' : 's'} indexed.` };
    } finally {
      await repo.close();
    }
  }

  /** A restore point's index changed (or it was pruned): the next search reads it again. */
  forget(destinationId: string, backupId: string): void {
    this.held.delete(keyOf(destinationId, backupId));
    this.index.remove(destinationId, backupId);
  }

  /** Reads the indexes of the restore points not held yet, one destination open at a time; one search loads while the next waits. */
  private load(records: readonly BackupRecord[]): Promise<void> {
    const run = this.loading.then(() => this.loadNow(records));
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async loadNow(records: readonly BackupRecord[]): Promise<void> {
    const now = this.now();
    const byDestination = new Map<string, BackupRecord[]>();
    for (const r of records) {
      const h = this.held.get(keyOf(r.destinationId, r.id));
      if (h?.state === 'indexed' || h?.state === 'unreadable' || (h?.state === 'missing' && now - h.checkedAt < RECHECK_MS)) continue;
      byDestination.set(r.destinationId, [...(byDestination.get(r.destinationId) ?? []), r]);
    }
    for (const [destinationId, rs] of byDestination) {
      let repo: Repository;
      try {
        repo = await this.destinations.open(destinationId);
      } catch {
        // not held: the next search tries again (a destination that was offline may be back)
        for (const r of rs) this.held.set(keyOf(destinationId, r.id), { state: 'missing', checkedAt: now });
        continue;
      }
      try {
        for (const r of rs) this.held.set(keyOf(destinationId, r.id), await this.read(repo, r, now));
      } finally {
        await repo.close();
      }
    }
    // restore points the catalog no longer lists (pruned) leave the search
    const listed = new Set(this.backups.list().map((r) => keyOf(r.destinationId, r.id)));
    for (const key of this.index.heldKeys()) {
      if (listed.has(key)) continue;
      const [d, b] = key.split('\n') as [string, string];
      this.forget(d, b);
    }
  }

  private async read(repo: Repository, r: BackupRecord, now: number): Promise<Held> {
    try {
      const found = await readIndex(repo, parseRef(r.id));
      if (!found) return { state: 'missing', checkedAt: now };
      const ref = { backupId: r.id, destinationId: r.destinationId, createdAt: r.createdAt };
      const info = { instanceId: r.resourceId, instanceName: r.resourceName, projectId: found.note.projectId };
      this.index.add(ref, found.volumes.map((v) => ({ ...info, disk: v.disk, volume: v.volume, partition: v.partition, lv: v.lv, index: v.index })));
      return { state: 'indexed' };
    } catch (e) {
      return { state: 'unreadable', reason: (e as Error).message };
    }
  }
}

const keyOf = (destinationId: string, backupId: string) => `${destinationId}\n${backupId}`;
