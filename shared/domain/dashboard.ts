import { z } from 'zod';
import { JobState } from './jobs';
import { nextRunsOf, type ScheduleForm } from './schedule-forms';

/**
 * What the dashboard shows, computed by the core over the catalog in one request: protection per
 * policy, RPO compliance, next runs, storage per destination and the last 24 hours of jobs.
 */

const Count = z.number().int().nonnegative();

/**
 * A member's status. failing: a backup of it failed after its newest restore point was taken, or
 * it is behind its RPO: two scheduled runs of its policy have come due since that restore point
 * (or since it joined, or the policy last changed), as the RPO notifications judge it
 * (rpoCutoff, shared/domain/notifications.ts). unprotected: no restore point yet, not behind yet.
 * protected: the rest.
 */
export const MemberStatus = z.enum(['protected', 'unprotected', 'failing']);
export type MemberStatus = z.infer<typeof MemberStatus>;

/** One member's status, as the dashboard counts it; why says which kind of failing. */
export const MemberState = z.object({
  policyId: z.string(),
  providerId: z.string(),
  instanceId: z.string(),
  status: MemberStatus,
  why: z.enum(['backup-failed', 'rpo-breached']).nullable(),
});
export type MemberState = z.infer<typeof MemberState>;

export const PolicyProtection = z.object({
  policyId: z.string(),
  policyName: z.string(),
  enabled: z.boolean(),
  members: Count,
  protected: Count,
  unprotected: Count,
  failing: Count,
  /** of the failing: a backup failed after the newest restore point */
  backupFailed: Count,
  /** of the failing: behind the RPO (and no backup failed since) */
  rpoBreached: Count,
  /** the RPO as a span: twice the interval of the most frequent schedule; null without a schedule (any restore point counts) */
  rpoMs: z.number().nonnegative().nullable(),
  /** the oldest among the members' newest restore points: how far behind the worst member is */
  oldestNewestAt: z.string().nullable(),
});
export type PolicyProtection = z.infer<typeof PolicyProtection>;

/** A member whose newest restore point is furthest behind its RPO. */
export const RpoLag = z.object({
  policyId: z.string(),
  policyName: z.string(),
  providerId: z.string(),
  instanceId: z.string(),
  name: z.string(),
  newestAt: z.string(),
  rpoMs: z.number().nonnegative(),
  /** age of the newest restore point / rpoMs: about 1 when the RPO runs out */
  ratio: z.number().nonnegative(),
  /** failing: behind the RPO, or a backup failed since */
  status: MemberStatus.exclude(['unprotected']),
});
export type RpoLag = z.infer<typeof RpoLag>;

export const DestinationGrowth = z.object({
  destinationId: z.string(),
  name: z.string(),
  /** what the restore points the catalog indexes in this destination added when taken (deduplicated, compressed) */
  storedBytes: z.number().nonnegative(),
  /** what those restore points hold, before deduplication and compression */
  logicalBytes: z.number().nonnegative(),
  restorePoints: Count,
  /** stored bytes of the restore points kept now, at the end of each of the last 30 days (UTC), oldest first */
  days: z.array(z.object({ day: z.string(), bytes: z.number().nonnegative() })),
});
export type DestinationGrowth = z.infer<typeof DestinationGrowth>;

export const JobHour = z.object({
  /** start of the hour-long bucket (ISO); the last bucket ends now */
  start: z.string(),
  succeeded: Count,
  warning: Count,
  /** failed and interrupted */
  failed: Count,
  /** queued, running or cancelled */
  other: Count,
});
export type JobHour = z.infer<typeof JobHour>;

export const Dashboard = z.object({
  at: z.string(),
  policies: z.array(PolicyProtection),
  /** instances present in the inventory (vanished ones left out) */
  instances: Count,
  /** present instances that belong to no policy */
  inNoPolicy: Count,
  /** up to 8 members furthest behind their RPO, the worst first */
  rpoLag: z.array(RpoLag),
  /** who runs the schedules; null: no process does */
  scheduler: z.object({ runtime: z.string(), hostname: z.string(), pid: z.number().int() }).nullable(),
  nextRuns: z.array(z.object({ policyId: z.string(), policyName: z.string(), scheduleId: z.string(), at: z.string() })),
  storage: z.array(DestinationGrowth),
  jobs: z.object({ total: Count, byState: z.record(JobState, Count), hours: z.array(JobHour) }),
});
export type Dashboard = z.infer<typeof Dashboard>;

/** How far ahead a schedule is read to find its longest gap: a few weeks of a weekday schedule. */
const RUNS_READ = 16;

/**
 * The time between runs of a schedule: the longest gap among its next runs, so a schedule on
 * Mondays and Wednesdays is judged by its five-day gap, not by whichever gap comes next.
 */
export function intervalMsOf(s: ScheduleForm & { timeZone: string }, from: Date): number | null {
  const runs = nextRunsOf(s, from, RUNS_READ);
  let longest: number | null = null;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest ?? 0, (runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime());
  return longest;
}

/** A policy's RPO: twice the interval of its most frequent schedule (null without a schedule). */
export function rpoMsOf(schedules: readonly (ScheduleForm & { timeZone: string })[], from: Date): number | null {
  const intervals = schedules.map((s) => intervalMsOf(s, from)).filter((x): x is number => x !== null);
  return intervals.length ? 2 * Math.min(...intervals) : null;
}
