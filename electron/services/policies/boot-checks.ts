import type { BackupRecord, StoredJob } from '../../catalog';

const DAY_MS = 86_400_000;

/**
 * A policy's "verify by booting every N days": is the instance whose restore point was just
 * recorded due a boot check? Due when none of its restore points (in any destination) was
 * checked in the last `days` days, passed or failed — a failed check is shown on the timeline
 * and notified; booting again after every backup would not tell the admin more — and no check
 * of it is queued or running.
 */
export function bootCheckDue(days: number, history: readonly Pick<BackupRecord, 'verification'>[], unfinishedChecks: number, now: Date): boolean {
  if (unfinishedChecks > 0) return false;
  const last = Math.max(...history.map((r) => (r.verification ? Date.parse(r.verification.at) : 0)), 0);
  return now.getTime() - last >= days * DAY_MS;
}

/** restore.verify jobs queued or running for a restore point of this instance (its id is `<instance>/<time>`). */
export function unfinishedChecksOf(unfinished: readonly StoredJob[], resourceId: string): number {
  return unfinished.filter((j) => j.kind === 'restore.verify' && String((j.params as { backupId?: unknown }).backupId ?? '').startsWith(`${resourceId}/`)).length;
}

export interface BootCheckDeps {
  verifyEveryDays(policyId: string): number | null;
  history(resourceId: string): Pick<BackupRecord, 'verification'>[];
  unfinished(): StoredJob[];
  /** queues restore.verify in the cloud's sandbox project; throws (with what to do) when none is set */
  queue(backupId: string, destinationId: string): Promise<{ jobId: string }>;
  now(): Date;
}

/**
 * After a backup of a policy member: queues the boot check when it is due, and returns the job
 * log's line about it (null when the policy does not check or none is due). A check that cannot
 * be queued is a warning that says why, never a failed backup.
 */
export async function queueBootCheckIfDue(d: BootCheckDeps, record: Pick<BackupRecord, 'id' | 'destinationId' | 'resourceId'>, policyId: string | undefined): Promise<{ level: 'info' | 'warn'; message: string } | null> {
  const days = policyId ? d.verifyEveryDays(policyId) : null;
  if (days === null) return null;
  if (!bootCheckDue(days, d.history(record.resourceId), unfinishedChecksOf(d.unfinished(), record.resourceId), d.now())) return null;
  const every = days === 1 ? 'every day' : `every ${days} days`;
  try {
    const { jobId } = await d.queue(record.id, record.destinationId);
    return { level: 'info', message: `Boot check queued (job ${jobId}): the policy verifies by booting ${every}.` };
  } catch (e) {
    return { level: 'warn', message: `A boot check is due (the policy verifies by booting ${every}) but could not be queued: ${(e as Error).message}` };
  }
}
