import fs from 'node:fs/promises';
import { BackupInstanceParams, type BackupView } from '../../../shared/domain/backups';
import { DEFAULT_UNUSUAL_CHANGE_FACTOR } from '../../../shared/domain/notifications';
import { formatBytes } from '../../../shared/format';
import type { BackupRecord, BackupsTable, PoliciesTable, StoredJob } from '../../catalog';
import { describeUnusualChange, markKey, unusualChange, unusualChanges } from './change-rate';
import type { NotificationEvent } from './events';
import type { Episodes } from './state';

export interface SpaceUsage {
  totalBytes: number;
  freeBytes: number;
}

/** Free space of the file system a folder is on (what is free to this user, as `df` shows it). */
export async function spaceOf(dir: string): Promise<SpaceUsage> {
  const s = await fs.statfs(dir);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

export interface JobEventDeps {
  policies: Pick<PoliciesTable, 'get'>;
  backups: Pick<BackupsTable, 'list'>;
  /** the cloud's name, and the instance's as the inventory knows it (null: unknown) */
  names: { cloud(providerId: string): string; instance(providerId: string, instanceId: string): string | null };
  destination(id: string): { name: string; path: string } | undefined;
  space(dir: string): Promise<SpaceUsage>;
  episodes: Episodes;
  now(): Date;
}

type Channels = Pick<NotificationEvent, 'policyName' | 'desktop' | 'emails'>;

/** The unusual-change factor a backup is judged by: its policy's (null when the policy does not watch), else the default. */
export function changeFactorOf(policies: Pick<PoliciesTable, 'get'>, policyId: string | undefined): number | null {
  const p = policyId ? policies.get(policyId) : undefined;
  return p ? p.spec.notifications.unusualChangeFactor : DEFAULT_UNUSUAL_CHANGE_FACTOR;
}

/**
 * Restore points as listed, each incremental marked when it changed unusually much for its
 * instance (judged by the factor of the policy the instance is in now, else the default).
 */
export function withUnusualChanges(rows: BackupView[], policies: Pick<PoliciesTable, 'get' | 'memberOf'>): BackupView[] {
  const factors = new Map<string, number | null>();
  const factorOf = (r: BackupView): number | null => {
    if (r.resourceKind !== 'instance' || !r.providerId) return null;
    const key = `${r.providerId}|${r.resourceId}`;
    if (!factors.has(key)) factors.set(key, changeFactorOf(policies, policies.memberOf(r.providerId, r.resourceId)?.policyId));
    return factors.get(key) ?? null;
  };
  const marks = unusualChanges(rows, factorOf);
  return rows.map((r) => {
    const u = marks.get(markKey(r));
    return { ...r, unusualChange: u ? { factor: u.factor, medianNewBytes: u.medianNewBytes } : null };
  });
}

/** The backup job's warning for an unusual incremental it just recorded, or null. */
export function unusualChangeNote(d: Pick<JobEventDeps, 'policies' | 'backups'>, record: BackupRecord, policyId: string | undefined): string | null {
  const factor = changeFactorOf(d.policies, policyId);
  const u = factor === null ? null : unusualChange(d.backups.list({ resourceId: record.resourceId, destinationId: record.destinationId }), record, factor);
  return u && describeUnusualChange(record.resourceName, record.newBytes, u);
}

/**
 * What the end of a backup a policy started reports, by the policy's rules: a failure (or a
 * run its start window skipped), a success, an unusual change rate, a destination nearly full.
 */
export async function eventsOfBackupJob(job: StoredJob, d: JobEventDeps): Promise<NotificationEvent[]> {
  const parsed = BackupInstanceParams.safeParse(job.params);
  if (!parsed.success || !parsed.data.policyId) return [];
  const p = parsed.data;
  const policy = d.policies.get(p.policyId as string);
  if (!policy) return [];
  const rules = policy.spec.notifications;
  const ch: Channels = { policyName: policy.spec.name, desktop: rules.desktop, emails: rules.emails };
  const cloud = d.names.cloud(p.providerId);
  const name = d.names.instance(p.providerId, p.instanceId) ?? p.instanceId;
  const who = `${name} (cloud ${cloud})`;
  const ref = [`Instance: ${name} (${p.instanceId}), cloud ${cloud}.`, `Job: ${job.id}; its log is in Jobs, or: backstack jobs show ${job.id}`];
  const events: NotificationEvent[] = [];
  const skipped = job.state === 'cancelled' && (job.summary ?? '').startsWith('Skipped');
  if (job.state === 'failed' || job.state === 'interrupted' || skipped) {
    if (!rules.failure) return [];
    const reason = job.error?.message ?? job.summary ?? (job.state === 'interrupted' ? 'Backstack stopped before it finished.' : 'unknown');
    const what = skipped ? 'was not started' : job.state === 'interrupted' ? 'was interrupted' : 'failed';
    return [{ ...ch, kind: 'failure', level: 'error', title: `Backup of ${who} ${what}`, lines: [`Reason: ${reason}`, ...ref] }];
  }
  if (job.state !== 'succeeded' && job.state !== 'warning') return [];
  const record = d.backups.list({ resourceId: p.instanceId, destinationId: p.destinationId }).find((r) => r.jobId === job.id);
  if (rules.success) {
    const warned = job.state === 'warning' ? ' with warnings (see its log)' : '';
    events.push({ ...ch, kind: 'success', level: job.state === 'warning' ? 'warning' : 'info', title: `Backup of ${who} succeeded${warned}`, lines: [job.summary ?? 'Backed up.', ...ref] });
  }
  if (record && rules.unusualChangeFactor !== null) {
    const u = unusualChange(d.backups.list({ resourceId: record.resourceId, destinationId: record.destinationId }), record, rules.unusualChangeFactor);
    if (u) events.push({ ...ch, kind: 'unusualChange', level: 'warning', title: `Unusual change rate on ${who}`, lines: [describeUnusualChange(name, record.newBytes, u), `Restore point: ${record.id}`, ...ref] });
  }
  if (rules.destinationFullPercent !== null && p.destinationId) {
    const e = await destinationFull(p.destinationId, rules.destinationFullPercent, ch, d);
    if (e) events.push(e);
  }
  return events;
}

/** Reported once when the destination's file system crosses the policy's threshold, again only after it went below. */
async function destinationFull(destinationId: string, percent: number, ch: Channels, d: JobEventDeps): Promise<NotificationEvent | null> {
  const dest = d.destination(destinationId);
  if (!dest) return null;
  let usage: SpaceUsage;
  try {
    usage = await d.space(dest.path);
  } catch {
    return null; // the backup just wrote there; a folder that cannot be measured now is the next backup's to report
  }
  const used = usage.totalBytes > 0 ? (100 * (usage.totalBytes - usage.freeBytes)) / usage.totalBytes : 0;
  const open = d.episodes.open('full');
  if (used < percent) {
    if (open.delete(destinationId)) d.episodes.save('full', open);
    return null;
  }
  if (open.has(destinationId)) return null;
  open.set(destinationId, d.now().toISOString());
  d.episodes.save('full', open);
  return {
    ...ch,
    kind: 'destinationFull',
    level: 'warning',
    title: `Destination ${dest.name} is ${Math.floor(used)}% full`,
    lines: [
      `${dest.path} has ${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)} (${Math.floor(used)}% used; the policy warns from ${percent}%).`,
      'Make room before backups fail: prune with tighter keep rules and collect garbage (Destinations), move older restore points elsewhere, or grow the file system.',
    ],
  };
}
