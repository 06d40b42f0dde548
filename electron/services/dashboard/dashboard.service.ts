import { rpoMsOf, type Dashboard, type DestinationGrowth, type JobHour, type MemberState } from '../../../shared/domain/dashboard';
import { JobState } from '../../../shared/domain/jobs';
import type { SchedulerStatus } from '../../../shared/domain/policies';
import { rpoCutoff } from '../../../shared/domain/notifications';
import { cronOf, nextRunsOf } from '../../../shared/domain/schedule-forms';
import type { DashboardQueries, RpoCutoffs, StoredPolicy } from '../../catalog';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GROWTH_DAYS = 30;
const NEXT_RUNS = 6;
const LAG_ROWS = 8;

export interface DashboardDeps {
  queries: DashboardQueries;
  policies: () => StoredPolicy[];
  scheduler: () => SchedulerStatus;
  now?: () => Date;
}

const BUCKET: Record<JobState, keyof Omit<JobHour, 'start'>> = {
  succeeded: 'succeeded',
  warning: 'warning',
  failed: 'failed',
  interrupted: 'failed',
  queued: 'other',
  running: 'other',
  cancelled: 'other',
};

/**
 * The dashboard's figures in one pass over the catalog: each is a count SQLite makes (no list
 * of 10,000 instances crosses into JavaScript), with the RPO of each policy worked out here
 * from its schedules.
 */
export class DashboardService {
  /**
   * RPO by schedules, until their next run comes due (which moves the cutoff) or an hour passes:
   * croner reads a schedule's runs in about a millisecond, and 50 policies every refresh add up.
   */
  private readonly rpoMemo = new Map<string, { until: number; rpoMs: number | null; cutoff: string | null }>();

  constructor(private readonly deps: DashboardDeps) {}

  private rpoOf(p: StoredPolicy, now: Date): { rpoMs: number | null; cutoff: string | null } {
    const key = JSON.stringify(p.spec.schedules.map((s) => [cronOf(s), s.timeZone]));
    const hit = this.rpoMemo.get(key);
    if (hit && hit.until > now.getTime()) return hit;
    if (this.rpoMemo.size > 1000) this.rpoMemo.clear();
    const next = p.spec.schedules.map((s) => nextRunsOf(s, now, 1)[0]?.getTime() ?? Infinity);
    const value = {
      until: Math.min(now.getTime() + HOUR, ...next),
      rpoMs: rpoMsOf(p.spec.schedules, now),
      cutoff: rpoCutoff(p.spec.schedules, now)?.toISOString() ?? null,
    };
    this.rpoMemo.set(key, value);
    return value;
  }

  private cutoffsOf(policies: StoredPolicy[], now: Date): RpoCutoffs {
    const cutoffs: RpoCutoffs = {};
    for (const p of policies) {
      const { rpoMs, cutoff } = this.rpoOf(p, now);
      // As the notifications judge it (RpoWatch): a paused policy is behind on nothing.
      cutoffs[p.id] = { rpoMs, breachedBefore: p.spec.enabled ? cutoff : null, since: p.updatedAt };
    }
    return cutoffs;
  }

  /** Each member of one policy (null: of every policy) with its status, as get() counts them (the dashboard's links lead here). */
  memberStatus(policyId: string | null): MemberState[] {
    const now = this.deps.now?.() ?? new Date();
    const cutoffs = this.cutoffsOf(
      this.deps.policies().filter((p) => policyId === null || p.id === policyId),
      now,
    );
    return this.deps.queries.memberStatuses(cutoffs, policyId).map((m) => ({
      policyId: m.policyId,
      providerId: m.providerId,
      instanceId: m.instanceId,
      status: m.status === 'failed' || m.status === 'late' ? 'failing' : m.status,
      why: m.status === 'failed' ? 'backup-failed' : m.status === 'late' ? 'rpo-breached' : null,
    }));
  }

  get(): Dashboard {
    const now = this.deps.now?.() ?? new Date();
    const policies = this.deps.policies();
    const cutoffs = this.cutoffsOf(policies, now);
    const members = this.deps.queries.members(cutoffs, now.toISOString(), LAG_ROWS);
    const counts = new Map(members.counts.map((c) => [c.policyId, c]));
    const names = new Map(policies.map((p) => [p.id, p.spec.name]));
    const status = this.deps.scheduler();
    return {
      at: now.toISOString(),
      policies: policies.map((p) => {
        const c = counts.get(p.id);
        const backupFailed = c?.backupFailed ?? 0;
        const rpoBreached = c?.rpoBreached ?? 0;
        return {
          policyId: p.id,
          policyName: p.spec.name,
          enabled: p.spec.enabled,
          members: c?.members ?? 0,
          protected: c?.protected ?? 0,
          unprotected: c?.unprotected ?? 0,
          failing: backupFailed + rpoBreached,
          backupFailed,
          rpoBreached,
          rpoMs: cutoffs[p.id]?.rpoMs ?? null,
          oldestNewestAt: c?.oldestNewestAt ?? null,
        };
      }),
      ...this.deps.queries.instanceCounts(),
      rpoLag: members.lag.map(({ status: s, ...r }) => ({
        status: s === 'protected' ? ('protected' as const) : ('failing' as const),
        ...r,
        policyName: names.get(r.policyId) ?? r.policyId,
        rpoMs: cutoffs[r.policyId]?.rpoMs ?? 0,
        ratio: Math.max(0, r.ratio),
      })),
      scheduler: status.holder && { runtime: status.holder.runtime, hostname: status.holder.hostname, pid: status.holder.pid },
      nextRuns: status.nextRuns.slice(0, NEXT_RUNS),
      storage: this.storage(now),
      jobs: this.jobs(now),
    };
  }

  /** Per destination: the total, and what its kept restore points stored at the end of each of the last 30 days. */
  private storage(now: Date): DestinationGrowth[] {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (GROWTH_DAYS - 1) * DAY);
    const days = Array.from({ length: GROWTH_DAYS }, (_, i) => new Date(first.getTime() + i * DAY).toISOString().slice(0, 10));
    const rows = this.deps.queries.bytesPerDay(first.toISOString());
    return this.deps.queries.destinations().map((d) => {
      const mine = rows.filter((r) => r.destinationId === d.destinationId);
      const perDay = new Map(mine.map((r) => [r.day, r.bytes]));
      // What was stored before the window (day ''), then each day's additions on top.
      let bytes = perDay.get('') ?? 0;
      return {
        ...d,
        storedBytes: mine.reduce((n, r) => n + r.bytes, 0),
        logicalBytes: mine.reduce((n, r) => n + r.logical, 0),
        restorePoints: mine.reduce((n, r) => n + r.points, 0),
        days: days.map((day) => ({ day, bytes: (bytes += perDay.get(day) ?? 0) })),
      };
    });
  }

  /** Jobs of the last 24 hours by state, and per hour (the last hour ends now). */
  private jobs(now: Date): Dashboard['jobs'] {
    const since = new Date(now.getTime() - DAY);
    const byState = Object.fromEntries(JobState.options.map((s) => [s, 0])) as Record<JobState, number>;
    const hours: JobHour[] = Array.from({ length: 24 }, (_, i) => ({
      start: new Date(since.getTime() + i * HOUR).toISOString(),
      succeeded: 0,
      warning: 0,
      failed: 0,
      other: 0,
    }));
    let total = 0;
    for (const r of this.deps.queries.jobsPerHour(since.toISOString())) {
      const state = JobState.safeParse(r.state);
      if (!state.success) continue;
      byState[state.data] += r.n;
      total += r.n;
      const bucket = hours[Math.min(23, r.hour)];
      if (bucket) bucket[BUCKET[state.data]] += r.n;
    }
    return { total, byState, hours };
  }
}
