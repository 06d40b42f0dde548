import fs from 'node:fs/promises';
import { committedRefs } from './listing';
import { InvalidArgumentError } from '../errors';
import { type BackupRef, parseBackupTime, refString } from '../format/layout';
import { liveSessions } from '../store/locks';
import { hasRules, type KeepRules, type PruneDecision, selectKeep } from './prune-rules';
import { isProtected } from './protection';
import type { Repository } from '../repository';

export interface PruneOptions {
  keep: KeepRules;
  /** only this group (default: every group, each judged on its own) */
  group?: string;
  /** decide and report, remove nothing */
  dryRun?: boolean;
  /** periods in UTC instead of local time */
  utc?: boolean;
  /** judge only these backups ("group/time"); the others are neither counted nor removed (another installation's) */
  only?: ReadonlySet<string>;
}

export interface PruneReport {
  dryRun: boolean;
  groups: { group: string; decisions: PruneDecision[] }[];
  /** backups removed (or, in a dry run, that would be) */
  removed: string[];
  kept: string[];
}

/**
 * Applies keep rules per group. Removing a backup deletes its manifest first (it disappears
 * at once), then its folder; its chunks are reclaimed by the next GC. Backups a running
 * backup or restore depends on are kept, and so are backups protected from pruning. Needs only folder names, so it works even when a
 * manifest is unreadable.
 */
export async function pruneBackups(repo: Repository, opts: PruneOptions): Promise<PruneReport> {
  if (!hasRules(opts.keep)) throw new InvalidArgumentError('Give at least one keep rule (last, hourly, daily, weekly, monthly or yearly): pruning without one would remove every backup.');
  for (const [k, v] of Object.entries(opts.keep)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new InvalidArgumentError(`keep-${k} must be a whole number ≥ 0.`);
  }
  const dryRun = opts.dryRun ?? false;
  const inUse = new Set((await liveSessions(repo.layout)).flatMap((s) => s.protects));
  const pinned = new Set<string>();
  const byGroup = new Map<string, BackupRef[]>();
  for (const ref of await committedRefs(repo, opts.group)) {
    if (opts.only && !opts.only.has(refString(ref))) continue;
    byGroup.set(ref.group, [...(byGroup.get(ref.group) ?? []), ref]);
    if (await isProtected(repo, ref)) pinned.add(refString(ref));
  }
  const report: PruneReport = { dryRun, groups: [], removed: [], kept: [] };
  for (const [group, refs] of byGroup) {
    const decisions = selectKeep(refs.map((r) => ({ id: refString(r), time: parseBackupTime(r.time) })), opts.keep, { utc: opts.utc ?? false, inUse, pinned });
    report.groups.push({ group, decisions });
    for (const d of decisions) {
      if (d.keep) {
        report.kept.push(d.id);
        continue;
      }
      report.removed.push(d.id);
      if (!dryRun) await removeBackup(repo, refs.find((r) => refString(r) === d.id) as BackupRef);
    }
  }
  return report;
}

/** Deletes one backup: manifest first, so a crash midway leaves an uncommitted folder for GC. */
export async function removeBackup(repo: Repository, ref: BackupRef): Promise<void> {
  await fs.rm(repo.layout.manifest(ref, repo.encrypted), { force: true });
  await fs.rm(repo.layout.backup(ref), { recursive: true, force: true });
}
