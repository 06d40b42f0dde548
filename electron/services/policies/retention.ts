import type { KeepRules } from '../../../shared/domain/destinations';
import { hasRules, listBackups, pruneBackups, type Repository } from '../../engine';

/**
 * A policy's retention, applied to one instance's restore points after a successful backup.
 * Only restore points this installation made are judged (the manifest names it): a destination
 * shared with other workstations keeps theirs whatever our rules say.
 */
export async function applyRetention(repo: Repository, group: string, keep: KeepRules, installationId: string): Promise<{ removed: string[]; kept: string[] }> {
  if (!hasRules(keep)) return { removed: [], kept: [] };
  const mine = (await listBackups(repo, group)).filter((m) => m.source.installation === installationId).map((m) => m.id);
  if (mine.length === 0) return { removed: [], kept: [] };
  const report = await pruneBackups(repo, { keep, group, only: new Set(mine) });
  return { removed: report.removed, kept: report.kept };
}
