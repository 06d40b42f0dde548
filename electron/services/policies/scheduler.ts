import os from 'node:os';
import type { SchedulerStatus } from '../../../shared/domain/policies';
import { describeSchedule, dueBetween, nextRunsOf } from '../../../shared/domain/schedule-forms';
import type { LeaseHolder, PoliciesTable, SchedulerLeaseTable, StoredPolicy } from '../../catalog';
import { isProcessAlive } from '../../lib/process-identity';
import type { PoliciesService } from './policies.service';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SchedulerOptions {
  policies: Pick<PoliciesService, 'run'>;
  table: PoliciesTable;
  lease: SchedulerLeaseTable;
  /** this process, as the lease names it */
  me: { owner: string; pid: number; runtime: string; hostname?: string };
  clock?: Clock;
  /** how often it wakes at least, to beat its lease and see edited policies (default 30 s); a lease 3 beats old is stale */
  beatMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** other scheduled work (destinations' garbage collection): queues what is due, says when the next is */
  maintenance?: { runDue(log: (level: 'info' | 'warn', message: string) => void): number | null };
}

type Schedule = StoredPolicy['spec']['schedules'][number];
type Due = NonNullable<ReturnType<Scheduler['dueOf']>>;
/** Which of several schedules due together runs: a full backup covers an incremental, not the reverse. */
const STRENGTH: Record<Schedule['backupType'], number> = { full: 0, auto: 1, incremental: 2 };

/** A run due no longer ago than this (and inside its window) is on time; older ones were missed. */
const ON_TIME_MS = 5 * 60_000;

/**
 * Runs policies' schedules: one scheduler per catalog (a lease row), each due run queued as
 * backup jobs with its start window, and runs missed while no scheduler ran handled once on
 * start as each policy says (run once, or skip), recorded with the reason.
 */
export class Scheduler {
  private timer: unknown;
  private holding = false;
  private readonly clock: Clock;
  private readonly beatMs: number;
  private readonly me: { owner: string; pid: number; runtime: string; hostname: string };

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.beatMs = opts.beatMs ?? 30_000;
    this.me = { ...opts.me, hostname: opts.me.hostname ?? os.hostname() };
  }

  /** Takes the catalog's scheduler lease and starts; when another live process holds it, says which and stays idle. */
  start(): { running: boolean; holder: LeaseHolder } {
    const holder = this.opts.lease.acquire(this.me, this.iso(), (h) => this.isStale(h));
    this.holding = holder.owner === this.me.owner;
    if (!this.holding) {
      this.opts.log?.('info', `The scheduler runs in another process (${describeHolder(holder)}); this one does not run schedules.`);
      return { running: false, holder };
    }
    this.tick();
    return { running: true, holder };
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.holding) this.opts.lease.release(this.me.owner);
    this.holding = false;
  }

  get running(): boolean {
    return this.holding;
  }

  /** Runs what is due, then sleeps until the next run (30 s at most). Public for tests with a fake clock. */
  tick(): void {
    this.clock.clearTimeout(this.timer);
    if (!this.opts.lease.heartbeat(this.me.owner, this.iso())) {
      this.holding = false;
      this.opts.log?.('warn', 'Another process took over the scheduler (this one had stopped answering); this one stops scheduling.');
      return;
    }
    const now = this.clock.now();
    let next = now + this.beatMs;
    for (const p of this.opts.table.list()) {
      if (!p.spec.enabled) continue;
      this.runDue(p, now);
      for (const s of p.spec.schedules) {
        const at = nextRunsOf(s, new Date(now), 1)[0];
        if (at) next = Math.min(next, at.getTime());
      }
    }
    try {
      const at = this.opts.maintenance?.runDue((level, m) => this.opts.log?.(level, m));
      if (at) next = Math.min(next, at);
    } catch (e) {
      this.opts.log?.('warn', `Scheduled maintenance not queued: ${(e as Error).message}`);
    }
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(1000, next - now + 50));
  }

  status(): SchedulerStatus {
    const holder = this.opts.lease.holder();
    const now = new Date(this.clock.now());
    const nextRuns = this.opts.table
      .list()
      .filter((p) => p.spec.enabled)
      .flatMap((p) => p.spec.schedules.map((s) => ({ policyId: p.id, policyName: p.spec.name, scheduleId: s.id, at: nextRunsOf(s, now, 1)[0]?.toISOString() ?? '' })))
      .filter((r) => r.at)
      .sort((a, b) => a.at.localeCompare(b.at));
    return {
      running: this.holding,
      holder: holder && !this.isStale(holder) ? { pid: holder.pid, hostname: holder.hostname, runtime: holder.runtime, since: holder.since, heartbeatAt: holder.heartbeatAt } : null,
      nextRuns,
      recent: this.opts.table.recentRuns({ limit: 50 }),
    };
  }

  /** What of a schedule is due now: how many runs since it last ran (or the policy changed), the latest, and whether it is on time. */
  private dueOf(p: StoredPolicy, s: Schedule, now: number) {
    // An edit (or a resume from pause) starts the schedule afresh: what was due before it is not "missed".
    const since = [this.opts.table.lastDue(p.id, s.id), p.updatedAt].filter((x): x is string => x !== null).sort().at(-1) as string;
    const { count, latest } = dueBetween(s, new Date(since), new Date(now));
    if (count === 0 || !latest) return null;
    // No window given: a run may start until the schedule's next one is due.
    const next = nextRunsOf(s, latest, 1)[0];
    const windowMs = s.windowMinutes !== null ? s.windowMinutes * 60_000 : next ? next.getTime() - latest.getTime() : null;
    const onTime = count === 1 && now - latest.getTime() <= Math.min(ON_TIME_MS, windowMs ?? ON_TIME_MS);
    return { s, count, latest, windowMs, onTime, what: `${s.id} (${describeSchedule(s)})` };
  }

  /**
   * One run per policy per tick: when several of its schedules are due together (a Sunday full
   * and the nightly incremental), the strongest backup type runs and the others say so.
   */
  private runDue(p: StoredPolicy, now: number): void {
    const due = p.spec.schedules.map((s) => this.dueOf(p, s, now)).filter((d) => d !== null);
    if (due.length === 0) return;
    due.sort((a, b) => STRENGTH[a.s.backupType] - STRENGTH[b.s.backupType]);
    const [lead, ...rest] = due as [Due, ...Due[]];
    this.runOne(p, lead, now);
    for (const d of rest) {
      this.opts.table.addRun({
        policyId: p.id,
        scheduleId: d.s.id,
        dueAt: d.latest.toISOString(),
        at: new Date(now).toISOString(),
        outcome: 'skipped',
        message: `${d.what} was due with ${lead.what}, a ${lead.s.backupType} backup, which ran instead.`,
        jobIds: [],
      });
    }
  }

  private runOne(p: StoredPolicy, d: Due, now: number): void {
    const { s, count, latest, windowMs, onTime, what } = d;
    const base = { policyId: p.id, scheduleId: s.id, dueAt: latest.toISOString(), at: new Date(now).toISOString() };
    if (!onTime && p.spec.missedRuns === 'skip') {
      this.opts.table.addRun({ ...base, outcome: 'skipped', message: `${count} run(s) of ${what} missed while no scheduler ran (last due ${latest.toISOString()}); the policy skips missed runs.`, jobIds: [] });
      return;
    }
    // The window counts from the due time; a catch-up run gets a fresh window from now.
    const notAfter = windowMs === null ? undefined : new Date((onTime ? latest.getTime() : now) + windowMs).toISOString();
    try {
      const r = this.opts.policies.run(p.id, { backupType: s.backupType, ...(notAfter ? { notAfter } : {}) });
      const skipped = r.skipped.map((x) => `${x.name}: ${x.reason}`).join('; ');
      const queued = r.jobIds.length ? `${r.jobIds.length} backup(s) queued` : 'no member to back up';
      const message = onTime
        ? `${what}: ${queued}${skipped ? `; not backed up: ${skipped}` : ''}.`
        : `${count} run(s) of ${what} missed while no scheduler ran (last due ${latest.toISOString()}); ran once now: ${queued}${skipped ? `; not backed up: ${skipped}` : ''}.`;
      this.opts.table.addRun({ ...base, outcome: onTime ? 'started' : 'caught-up', message, jobIds: r.jobIds });
    } catch (e) {
      this.opts.table.addRun({ ...base, outcome: 'skipped', message: `${what} not run: ${(e as Error).message}`, jobIds: [] });
    }
  }

  private isStale(h: LeaseHolder): boolean {
    if (h.owner === this.me.owner) return false;
    if (h.hostname === this.me.hostname && !isProcessAlive(h.owner)) return true;
    // not beaten for 3 beats: its process is gone, or its machine sleeps
    return this.clock.now() - Date.parse(h.heartbeatAt) > 3 * this.beatMs;
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

export const describeHolder = (h: Pick<LeaseHolder, 'pid' | 'hostname' | 'runtime' | 'since'>): string => `${h.runtime}, pid ${h.pid} on ${h.hostname}, since ${h.since}`;
