import type { BackupView } from '../../../shared/domain/backups';
import { UNUSUAL_CHANGE_MIN_BYTES } from '../../../shared/domain/notifications';
import { formatBytes } from '../../../shared/format';

type Row = Pick<BackupView, 'id' | 'destinationId' | 'resourceId' | 'kind' | 'createdAt' | 'newBytes'>;

export interface UnusualChange {
  /** this incremental's new bytes over the median of the earlier ones */
  factor: number;
  medianNewBytes: number;
  /** how many earlier incrementals the median is of */
  earlier: number;
}

/** The median is of at most this many earlier incrementals: an instance whose use grows is judged by its recent habits. */
const WINDOW = 20;
/** Fewer earlier incrementals than this say nothing about what is usual. */
export const MIN_EARLIER = 3;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Judges `newBytes` against earlier incrementals' new bytes (newest first). */
function judge(newBytes: number, earlier: readonly number[], threshold: number): UnusualChange | null {
  if (newBytes < UNUSUAL_CHANGE_MIN_BYTES || earlier.length < MIN_EARLIER) return null;
  const window = earlier.slice(0, WINDOW);
  const usual = median([...window]);
  const factor = newBytes / Math.max(usual, 1);
  return factor >= threshold ? { factor, medianNewBytes: usual, earlier: window.length } : null;
}

/** A restore point's key among marks: the same id may be in two destinations. */
export const markKey = (r: Pick<Row, 'destinationId' | 'id'>): string => `${r.destinationId}|${r.id}`;

const sameChain = (a: Row, b: Row) => a.resourceId === b.resourceId && a.destinationId === b.destinationId;

/**
 * Whether an incremental wrote unusually much new data: at least `threshold` times the median
 * of the instance's earlier incrementals in the same destination (at least MIN_EARLIER of
 * them), and at least UNUSUAL_CHANGE_MIN_BYTES. A sudden burst of changed blocks is an early
 * sign of ransomware encrypting a disk. `rows` are the catalog's restore points of the instance.
 */
export function unusualChange(rows: readonly Row[], backup: Row, threshold: number): UnusualChange | null {
  if (backup.kind !== 'incremental') return null;
  const earlier = rows
    .filter((r) => r.id !== backup.id && r.kind === 'incremental' && sameChain(r, backup) && r.createdAt < backup.createdAt)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return judge(backup.newBytes, earlier.map((r) => r.newBytes), threshold);
}

/**
 * Every unusual incremental among `rows` (whole chains of restore points, as the catalog lists
 * them), judged by each instance's factor (null: not judged): what marks a restore point,
 * derived from the catalog's rows instead of stored, so it needs no column of its own. Keyed by markKey.
 */
export function unusualChanges<R extends Row>(rows: readonly R[], factorOf: (r: R) => number | null): Map<string, UnusualChange> {
  const chains = new Map<string, R[]>();
  for (const r of rows) {
    if (r.kind !== 'incremental') continue;
    const key = `${r.destinationId}|${r.resourceId}`;
    chains.set(key, [...(chains.get(key) ?? []), r]);
  }
  const marks = new Map<string, UnusualChange>();
  for (const chain of chains.values()) {
    const threshold = factorOf(chain[0] as R);
    if (threshold === null) continue;
    chain.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const seen: number[] = []; // newest first
    for (const r of chain) {
      const u = judge(r.newBytes, seen, threshold);
      if (u) marks.set(markKey(r), u);
      seen.unshift(r.newBytes);
      if (seen.length > WINDOW) seen.pop();
    }
  }
  return marks;
}

/** The job log's and the notification's words for it. */
export function describeUnusualChange(name: string, newBytes: number, u: UnusualChange): string {
  const times = u.factor >= 100 ? Math.round(u.factor).toString() : u.factor.toFixed(1);
  return (
    `Unusual change: this incremental of ${name} wrote ${formatBytes(newBytes)} of new data, ${times}× the median of its ${u.earlier} earlier incrementals (${formatBytes(u.medianNewBytes)}). ` +
    'A sudden burst of changed blocks can be ransomware encrypting the disk: check the instance. The restore points before this one are not affected.'
  );
}
