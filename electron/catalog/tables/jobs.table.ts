import type Database from 'better-sqlite3';
import type { AppErrorPayload } from '../../../shared/errors/codes';
import { JobKindName, type Job, type JobLogEntry, type JobProgress, type JobState, type LogLevel } from '../../../shared/domain/jobs';
import type { NotifyChanged } from './notify';

interface JobRow {
  id: string;
  kind: string;
  target: string;
  params: string;
  state: string;
  progress: string;
  attempt: number;
  max_attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  summary: string | null;
  owner: string | null;
  cancel_requested: number;
}

export interface StoredJob extends Job {
  params: unknown;
  owner: string | null;
  cancelRequested: boolean;
}

const toJob = (r: JobRow): StoredJob => ({
  id: r.id,
  // Kinds of earlier versions are renamed by migrations, so every stored kind is a known one.
  kind: JobKindName.parse(r.kind),
  target: r.target,
  params: JSON.parse(r.params),
  state: r.state as JobState,
  progress: JSON.parse(r.progress) as JobProgress,
  attempt: r.attempt,
  maxAttempts: r.max_attempts,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error === null ? null : (JSON.parse(r.error) as AppErrorPayload),
  summary: r.summary,
  owner: r.owner,
  cancelRequested: r.cancel_requested === 1,
});

/** Cursor = "createdAt|id" of the last row of the previous page (newest first). */
const encodeCursor = (j: Job) => Buffer.from(`${j.createdAt}|${j.id}`).toString('base64url');
const decodeCursor = (c: string): [string, string] => {
  const [a = '', b = ''] = Buffer.from(c, 'base64url').toString().split('|');
  return [a, b];
};

export class JobsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  insert(j: StoredJob): void {
    this.db
      .prepare(
        `INSERT INTO jobs(id, kind, target, params, state, progress, attempt, max_attempts, created_at, started_at, finished_at, error, summary, owner)
         VALUES (@id, @kind, @target, @params, @state, @progress, @attempt, @maxAttempts, @createdAt, @startedAt, @finishedAt, @error, @summary, @owner)`,
      )
      .run({
        id: j.id,
        kind: j.kind,
        target: j.target,
        params: JSON.stringify(j.params ?? null),
        state: j.state,
        progress: JSON.stringify(j.progress),
        attempt: j.attempt,
        maxAttempts: j.maxAttempts,
        createdAt: j.createdAt,
        startedAt: j.startedAt,
        finishedAt: j.finishedAt,
        error: j.error && JSON.stringify(j.error),
        summary: j.summary,
        owner: j.owner,
      });
    this.notify(['jobs']);
  }

  update(
    id: string,
    patch: Partial<Pick<StoredJob, 'state' | 'progress' | 'attempt' | 'startedAt' | 'finishedAt' | 'error' | 'summary' | 'owner'>>,
  ): void {
    const cols: string[] = [];
    const vals: Record<string, unknown> = { id };
    const map: Record<string, string> = { startedAt: 'started_at', finishedAt: 'finished_at' };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      const col = map[k] ?? k;
      cols.push(`${col} = @${k}`);
      vals[k] = k === 'progress' || k === 'error' ? (v === null ? null : JSON.stringify(v)) : v;
    }
    if (cols.length === 0) return;
    this.db.prepare(`UPDATE jobs SET ${cols.join(', ')} WHERE id = @id`).run(vals);
    // Progress ticks are not catalog changes worth a refresh; they travel as jobs.progressed.
    if (Object.keys(patch).some((k) => k !== 'progress')) this.notify(['jobs']);
  }

  get(id: string): StoredJob | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r && toJob(r);
  }

  list(opts: { states?: JobState[]; limit: number; cursor?: string }): { items: StoredJob[]; nextCursor: string | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.states?.length) {
      where.push(`state IN (${opts.states.map(() => '?').join(',')})`);
      args.push(...opts.states);
    }
    if (opts.cursor) {
      const [at, id] = decodeCursor(opts.cursor);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      args.push(at, at, id);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, opts.limit + 1) as JobRow[];
    const items = rows.slice(0, opts.limit).map(toJob);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
  }

  /** Another process asks the job's owner to cancel it; the owner notices on its next progress tick. */
  requestCancel(id: string): void {
    this.db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(id);
  }

  isCancelRequested(id: string): boolean {
    const r = this.db.prepare('SELECT cancel_requested AS c FROM jobs WHERE id = ?').get(id) as { c: number } | undefined;
    return r?.c === 1;
  }

  hasWarnings(id: string): boolean {
    return this.db.prepare(`SELECT 1 FROM job_logs WHERE job_id = ? AND level = 'warn' LIMIT 1`).get(id) !== undefined;
  }

  countByState(state: JobState): number {
    return (this.db.prepare('SELECT count(*) AS n FROM jobs WHERE state = ?').get(state) as { n: number }).n;
  }

  /** Jobs a crash left behind in a non-terminal state. */
  listUnfinished(): StoredJob[] {
    return (this.db.prepare(`SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY created_at`).all() as JobRow[]).map(toJob);
  }

  appendLog(jobId: string, level: LogLevel, message: string, at: string): JobLogEntry {
    const seq = (this.db.prepare('SELECT coalesce(max(seq), -1) + 1 AS n FROM job_logs WHERE job_id = ?').get(jobId) as { n: number }).n;
    this.db.prepare('INSERT INTO job_logs(job_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)').run(jobId, seq, at, level, message);
    return { seq, at, level, message };
  }

  listLog(jobId: string, afterSeq: number, limit: number): JobLogEntry[] {
    return this.db
      .prepare('SELECT seq, at, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(jobId, afterSeq, limit) as JobLogEntry[];
  }
}
