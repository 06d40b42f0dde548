/**
 * Which backups a retention policy keeps, as a pure function (the same rules as Proxmox Backup
 * Server and borg). Rules apply in order last, hourly, daily, weekly, monthly, yearly; each keeps
 * the newest backup of each of its N most recent periods, skipping periods a previous rule
 * already covered. A backup kept by any rule is kept.
 */

export interface KeepRules {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
}

export interface PruneDecision {
  /** the backup ("group/time") */
  id: string;
  time: number;
  keep: boolean;
  /** why it is kept ("last #1", "daily 2025-11-26 (#2 of 7)") or removed ("no rule keeps it") */
  reasons: string[];
}

type Rule = keyof KeepRules;
const ORDER: Rule[] = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'];

export const hasRules = (k: KeepRules): boolean => ORDER.some((r) => (k[r] ?? 0) > 0);

function parts(ms: number, utc: boolean): { y: number; mo: number; d: number; h: number } {
  const t = new Date(ms);
  return utc
    ? { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours() }
    : { y: t.getFullYear(), mo: t.getMonth() + 1, d: t.getDate(), h: t.getHours() };
}

/** ISO-8601 week "2025-W48" (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(ms: number, utc: boolean): string {
  const p = parts(ms, utc);
  const date = new Date(Date.UTC(p.y, p.mo - 1, p.d));
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7) + 3); // the Thursday of this week decides the year
  const jan4 = new Date(Date.UTC(date.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((date.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function periodOf(rule: Rule, ms: number, utc: boolean, id: string): string {
  const p = parts(ms, utc);
  switch (rule) {
    case 'last':
      return id;
    case 'hourly':
      return `${p.y}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}h`;
    case 'daily':
      return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
    case 'weekly':
      return isoWeek(ms, utc);
    case 'monthly':
      return `${p.y}-${pad(p.mo)}`;
    case 'yearly':
      return `${p.y}`;
  }
}

/**
 * Decides for one group's backups. `inUse` (read by a running backup or restore) are always kept
 * and count as their period's backup. `pinned` (protected from pruning by an admin) are kept in
 * addition to what the rules keep: they never take a rule's place. `utc` picks UTC periods
 * instead of local time.
 */
export function selectKeep(
  backups: readonly { id: string; time: number }[],
  rules: KeepRules,
  opts: { utc?: boolean; inUse?: ReadonlySet<string>; pinned?: ReadonlySet<string> } = {},
): PruneDecision[] {
  const utc = opts.utc ?? false;
  const newestFirst = [...backups].sort((a, b) => b.time - a.time);
  const mark = new Map<string, 'keep' | 'remove'>();
  const reasons = new Map<string, string[]>(newestFirst.map((b) => [b.id, []]));
  for (const b of newestFirst) {
    if (opts.inUse?.has(b.id)) {
      mark.set(b.id, 'keep');
      reasons.get(b.id)?.push('in use by a running backup or restore');
    }
  }
  for (const rule of ORDER) {
    const n = rules[rule] ?? 0;
    if (n <= 0) continue;
    // Periods already holding a kept backup are covered: this rule looks further back.
    const covered = new Set(newestFirst.filter((b) => mark.get(b.id) === 'keep').map((b) => periodOf(rule, b.time, utc, b.id)));
    const chosen = new Set<string>();
    for (const b of newestFirst) {
      if (mark.has(b.id)) continue;
      const period = periodOf(rule, b.time, utc, b.id);
      if (covered.has(period)) continue;
      if (chosen.has(period)) {
        mark.set(b.id, 'remove');
        continue;
      }
      if (chosen.size >= n) break;
      chosen.add(period);
      mark.set(b.id, 'keep');
      reasons.get(b.id)?.push(rule === 'last' ? `last #${chosen.size} of ${n}` : `${rule} ${period} (#${chosen.size} of ${n})`);
    }
  }
  for (const b of newestFirst) {
    if (!opts.pinned?.has(b.id)) continue;
    mark.set(b.id, 'keep');
    reasons.get(b.id)?.push('protected from pruning');
  }
  return newestFirst.map((b) => {
    const keep = mark.get(b.id) === 'keep';
    const why = reasons.get(b.id) ?? [];
    return { id: b.id, time: b.time, keep, reasons: keep ? why : ['no rule keeps it'] };
  });
}
