import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors/codes';
import { canRetry, isTerminal, JOB_PARAMS, type Job, type JobKindName, type JobParams, type JobParamsInput, type LogLevel } from '../../shared/domain/jobs';
import type { JobsTable, StoredJob } from '../catalog';
import type { EventBus } from '../lib/events';
import { isRetryable, toAppError } from '../lib/errors';
import { isProcessAlive, processIdentity } from '../lib/process-identity';
import { ProgressTracker } from './progress';
import type { AnyJobKind, JobContext, JobKind, JobOutcome } from './types';

export interface JobManagerOptions {
  table: JobsTable;
  bus: EventBus;
  maxConcurrent: () => number;
  /** at most this many running jobs may hold a slot ("cloud:…", "host:…", "destination:…"); undefined: no limit */
  slotLimit?: (slot: string) => number | undefined;
  now?: () => number;
  /** delay before retry number `attempt` (2, 3 …) */
  backoffMs?: (attempt: number) => number;
  owner?: string;
}

interface Running {
  slots: string[];
  controller: AbortController;
  tracker: ProgressTracker;
  kind: Registered;
  lastPersistAt: number;
  /** publishes a progress report the throttle held back */
  trailing?: NodeJS.Timeout | undefined;
}

/** A job kind with its parameters' schema bound to it: the manager handles every kind alike. */
interface Registered {
  name: JobKindName;
  maxAttempts: number;
  concurrency: number | undefined;
  slots(params: unknown): string[];
  notAfter(params: unknown): string | undefined;
  /** parses given or stored parameters with the kind's schema; throws a ZodError when they do not fit */
  parse(params: unknown): unknown;
  describeTarget(params: unknown): string;
  run(ctx: JobContext<unknown>): Promise<JobOutcome | void>;
}

function bind<K extends JobKindName>(k: JobKind<K>): Registered {
  // JOB_PARAMS[K] parses to JobParams<K> by definition; TypeScript cannot follow a generic key
  // through the table, so the parsed value is handed over as that type here, and only here.
  const parse = (p: unknown): JobParams<K> => {
    const parsed: unknown = JOB_PARAMS[k.kind].parse(p);
    return parsed as JobParams<K>;
  };
  return {
    name: k.kind,
    maxAttempts: k.maxAttempts ?? 1,
    concurrency: k.concurrency,
    slots: (p) => k.slots?.(parse(p)) ?? [],
    notAfter: (p) => k.notAfter?.(parse(p)),
    parse,
    describeTarget: (p) => k.describeTarget(parse(p)),
    run: (ctx) => k.run({ ...ctx, params: parse(ctx.params) }),
  };
}

const defaultBackoff = (attempt: number) => Math.min(60_000, 2_000 * 2 ** (attempt - 2));
const toPublic = ({ params: _p, owner: _o, cancelRequested: _c, ...job }: StoredJob): Job => job;

/**
 * The persisted job queue: every long operation (sync, backup, restore, verify, prune) runs
 * here so it survives a closed window, can be cancelled, retried, and watched from any client.
 */
export class JobManager {
  private readonly kinds = new Map<JobKindName, Registered>();
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Running>();
  private readonly backoffTimers = new Map<string, NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly slotCache = new Map<string, string[]>();
  private readonly now: () => number;
  private readonly backoffMs: (attempt: number) => number;
  readonly owner: string;
  private cancelPoll: NodeJS.Timeout | undefined;

  constructor(private readonly opts: JobManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.backoffMs = opts.backoffMs ?? defaultBackoff;
    this.owner = opts.owner ?? processIdentity();
  }

  register(kind: AnyJobKind): void {
    if (this.kinds.has(kind.kind)) throw new Error(`job kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, bind<JobKindName>(kind));
  }

  /** At start: jobs whose owning process is gone were interrupted by a crash or a kill; returns them. */
  recoverInterrupted(): Job[] {
    const interrupted: Job[] = [];
    for (const j of this.opts.table.listUnfinished()) {
      if (j.owner !== null && j.owner !== this.owner && isProcessAlive(j.owner)) continue;
      this.finish(j.id, 'interrupted', {
        error: new AppError('internal', 'Backstack stopped before this job finished. Start it again; nothing it had not finished was kept.', {
          retryable: true,
        }).toPayload(),
      });
      interrupted.push(toPublic(j));
    }
    return interrupted;
  }

  /** Queues a job; its parameters are checked against the kind's schema (shared/domain/jobs.ts). */
  enqueue<K extends JobKindName>(kindName: K, params: JobParamsInput<K>): Job {
    return this.enqueueUnchecked(kindName, params);
  }

  private enqueueUnchecked(kindName: JobKindName, rawParams: unknown): Job {
    const kind = this.kinds.get(kindName);
    if (!kind) throw new AppError('unsupported', `No job of kind "${kindName}" can run in this process.`);
    let params: unknown;
    try {
      params = kind.parse(rawParams);
    } catch (e) {
      throw new AppError('validation.invalidInput', `Invalid parameters for ${kindName}: ${(e as Error).message}`);
    }
    const job: StoredJob = {
      id: randomUUID(),
      kind: kindName,
      target: kind.describeTarget(params),
      params,
      state: 'queued',
      progress: { phase: 'Queued', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null },
      attempt: 1,
      maxAttempts: kind.maxAttempts,
      createdAt: new Date(this.now()).toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      summary: null,
      owner: this.owner,
      cancelRequested: false,
    };
    this.opts.table.insert(job);
    this.publish(job.id);
    this.queue.push(job.id);
    this.pump();
    return toPublic(job);
  }

  get(id: string): Job {
    return toPublic(this.mustGet(id));
  }

  cancel(id: string): Job {
    const job = this.mustGet(id);
    if (isTerminal(job.state)) return toPublic(job);
    const run = this.running.get(id);
    if (run) {
      run.controller.abort();
    } else if (this.queue.includes(id) || this.backoffTimers.has(id)) {
      const queued = this.queue.indexOf(id);
      if (queued >= 0) this.queue.splice(queued, 1);
      clearTimeout(this.backoffTimers.get(id));
      this.backoffTimers.delete(id);
      this.finish(id, 'cancelled', {});
    } else if (job.owner && job.owner !== this.owner && isProcessAlive(job.owner)) {
      // Run by another Backstack process (the app, or a CLI): ask it to stop.
      this.opts.table.requestCancel(id);
    } else {
      this.finish(id, 'interrupted', {});
    }
    return toPublic(this.mustGet(id));
  }

  /** Starts the same work again as a new job; the old one stays in the history. */
  retry(id: string): Job {
    const job = this.mustGet(id);
    if (!canRetry(job.state)) throw new AppError('resource.conflict', `Job ${id} is ${job.state}; only failed, cancelled or interrupted jobs can be retried.`);
    return this.enqueueUnchecked(job.kind, job.params);
  }

  /** Resolves when nothing is queued, running or waiting to retry (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async shutdown(): Promise<void> {
    for (const id of [...this.queue]) this.cancel(id);
    for (const id of [...this.backoffTimers.keys()]) this.cancel(id);
    for (const r of this.running.values()) r.controller.abort();
    await this.whenIdle();
  }

  /**
   * True while a job whose id starts with `tag` (letters and digits only, as hypervisor
   * snapshot names carry it) runs, here or in another live process on this catalog: its
   * snapshots are in use and no repair may touch them.
   */
  isRunning(tag: string): boolean {
    const t = tag.toLowerCase();
    const matches = (id: string) => t.length > 0 && id.toLowerCase().replace(/[^0-9a-z]/g, '').startsWith(t);
    for (const id of this.running.keys()) if (matches(id)) return true;
    return this.opts.table.listUnfinished().some((j) => j.state === 'running' && matches(j.id) && j.owner !== null && j.owner !== this.owner && isProcessAlive(j.owner));
  }

  /** Whether a job of this kind whose parameters match is queued or running (in any process on this catalog). */
  hasUnfinished<K extends JobKindName>(kindName: K, match: (params: JobParamsInput<K>) => boolean): boolean {
    return this.opts.table.listUnfinished().some((j) => j.kind === kindName && match(j.params as JobParamsInput<K>));
  }

  get runningCount(): number {
    return this.running.size;
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running.size === 0 && this.backoffTimers.size === 0;
  }

  private mustGet(id: string): StoredJob {
    const job = this.opts.table.get(id);
    if (!job) throw new AppError('resource.notFound', `No job with id ${id}.`);
    return job;
  }

  private pump(): void {
    while (this.running.size < this.opts.maxConcurrent()) {
      const idx = this.queue.findIndex((id) => this.hasRoomFor(id));
      if (idx < 0) break;
      const [id] = this.queue.splice(idx, 1);
      if (id !== undefined) void this.execute(id);
    }
    this.watchCancelRequests();
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private hasRoomFor(id: string): boolean {
    const stored = this.opts.table.get(id);
    const kind = stored && this.kinds.get(stored.kind);
    if (!kind) return true;
    // A job past its start window is let through: it ends at once, saying so.
    if (this.isPastDeadline(kind, stored.params)) return true;
    if (kind.concurrency) {
      let same = 0;
      for (const r of this.running.values()) if (r.kind === kind) same++;
      if (same >= kind.concurrency) return false;
    }
    const limit = this.opts.slotLimit;
    if (!limit) return true;
    for (const slot of this.slotsOf(id, kind, stored.params)) {
      const max = limit(slot);
      if (max === undefined) continue;
      let used = 0;
      for (const r of this.running.values()) if (r.slots.includes(slot)) used++;
      if (used >= max) return false;
    }
    return true;
  }

  /**
   * A job's slots, worked out once while it waits: every pump looks at every queued job, and a
   * backup's slots read the inventory (a policy run queues hundreds of them).
   */
  private slotsOf(id: string, kind: Registered, params: unknown): string[] {
    let slots = this.slotCache.get(id);
    if (!slots) {
      try {
        slots = kind.slots(params);
      } catch {
        slots = []; // the job itself reports bad parameters when it runs
      }
      this.slotCache.set(id, slots);
    }
    return slots;
  }

  private isPastDeadline(kind: Registered, params: unknown): string | undefined {
    let at: string | undefined;
    try {
      at = kind.notAfter(params);
    } catch {
      return undefined;
    }
    return at !== undefined && this.now() > Date.parse(at) ? at : undefined;
  }

  private async execute(id: string): Promise<void> {
    const job = this.mustGet(id);
    const kind = this.kinds.get(job.kind);
    if (!kind) {
      this.finish(id, 'failed', { error: new AppError('unsupported', `Unknown job kind "${job.kind}".`).toPayload() });
      return this.pump();
    }
    const deadline = this.isPastDeadline(kind, job.params);
    if (deadline) {
      this.log(id, 'warn', `Not started: its start window closed at ${deadline} while it waited for a free slot. The next scheduled run will try again.`);
      this.finish(id, 'cancelled', { summary: 'Skipped: the start window closed before it could start.' });
      return this.pump();
    }
    const run: Running = { slots: this.slotsOf(id, kind, job.params), controller: new AbortController(), tracker: new ProgressTracker(this.now), kind, lastPersistAt: 0 };
    this.running.set(id, run);
    run.tracker.update({ phase: 'Starting' });
    this.opts.table.update(id, { progress: run.tracker.value, state: 'running', startedAt: job.startedAt ?? new Date(this.now()).toISOString() });
    this.publish(id);
    const ctx: JobContext<unknown> = {
      jobId: id,
      params: job.params,
      attempt: job.attempt,
      signal: run.controller.signal,
      log: (level, message) => this.log(id, level, message),
      progress: (p) => this.progress(id, run, p),
    };
    try {
      const outcome = await kind.run(ctx);
      if (run.controller.signal.aborted) throw new AppError('job.cancelled', 'Cancelled.');
      this.persistProgress(id, run);
      // Any warning in the log, a failed attempt before a retry included, makes the outcome "warning".
      this.finish(id, this.opts.table.hasWarnings(id) ? 'warning' : 'succeeded', { summary: outcome?.summary ?? null });
    } catch (e) {
      this.persistProgress(id, run);
      const appError = toAppError(e);
      if (run.controller.signal.aborted || appError.code === 'job.cancelled') {
        this.log(id, 'warn', 'Cancelled by the user.');
        this.finish(id, 'cancelled', {});
      } else if (isRetryable(e) && job.attempt < job.maxAttempts) {
        this.scheduleRetry(id, run, job.attempt + 1, appError.message);
      } else {
        this.log(id, 'error', appError.message);
        this.finish(id, 'failed', { error: appError.toPayload() });
      }
    } finally {
      clearTimeout(run.trailing);
      this.running.delete(id);
      this.pump();
    }
  }

  private scheduleRetry(id: string, run: Running, attempt: number, reason: string): void {
    const delay = this.backoffMs(attempt);
    this.log(id, 'warn', `Attempt ${attempt - 1} failed: ${reason} Retrying in ${Math.round(delay / 1000)} s.`);
    this.opts.table.update(id, { state: 'queued', attempt });
    this.publish(id);
    const timer = setTimeout(() => {
      this.backoffTimers.delete(id);
      this.queue.push(id);
      this.pump();
    }, delay);
    this.backoffTimers.set(id, timer);
  }

  private finish(id: string, state: 'succeeded' | 'warning' | 'failed' | 'cancelled' | 'interrupted', extra: Partial<StoredJob>): void {
    this.slotCache.delete(id);
    this.opts.table.update(id, { ...extra, state, finishedAt: new Date(this.now()).toISOString() });
    this.publish(id);
  }

  private log(id: string, level: LogLevel, message: string): void {
    const entry = this.opts.table.appendLog(id, level, message, new Date(this.now()).toISOString());
    this.opts.bus.emit('jobs.logged', { id, entry });
  }

  private progress(id: string, run: Running, p: Parameters<JobContext<unknown>['progress']>[0]): void {
    const publish = () => this.opts.bus.emit('jobs.progressed', { id, progress: run.tracker.value });
    if (run.tracker.update(p)) publish();
    // Held back by the throttle: published a little later unless a newer report goes out first,
    // so a step that then goes quiet (a disk write waiting on the host) shows its last count.
    else
      run.trailing ??= setTimeout(() => {
        run.trailing = undefined;
        if (run.tracker.flush()) publish();
      }, run.tracker.heldFor ?? 0);
    // Persist at most once a second: the catalog keeps the last known progress for a restart.
    if (this.now() - run.lastPersistAt >= 1000) this.persistProgress(id, run);
  }

  private persistProgress(id: string, run: Running): void {
    run.lastPersistAt = this.now();
    this.opts.table.update(id, { progress: run.tracker.value });
  }

  private publish(id: string): void {
    const job = this.opts.table.get(id);
    if (job) this.opts.bus.emit('jobs.changed', toPublic(job));
  }

  /** Cancel requests written by another process are noticed within a second. */
  private watchCancelRequests(): void {
    if (this.running.size === 0) {
      clearInterval(this.cancelPoll);
      this.cancelPoll = undefined;
      return;
    }
    this.cancelPoll ??= setInterval(() => {
      for (const [id, r] of this.running) if (this.opts.table.isCancelRequested(id)) r.controller.abort();
    }, 1000).unref();
  }
}
