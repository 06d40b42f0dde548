import { defaultGcSchedule } from '../../../shared/domain/destinations';
import { Schedule } from '../../../shared/domain/schedules';
import { dueBetween, nextRunsOf } from '../../../shared/domain/schedule-forms';
import type { StoredDestination } from '../../catalog';

/** The workstation's time zone: the default schedule's times are read in it. */
export const machineTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The schedule a destination's garbage collection follows (null: off). */
export function gcScheduleOf(d: Pick<StoredDestination, 'gcSchedule'>, timeZone: string): Schedule | null {
  if (d.gcSchedule === 'off') return null;
  if (d.gcSchedule === 'default') return Schedule.parse(defaultGcSchedule(timeZone));
  return d.gcSchedule;
}

export function nextGcOf(d: Pick<StoredDestination, 'gcSchedule'>, timeZone: string, now: Date): Date | null {
  const s = gcScheduleOf(d, timeZone);
  return s ? (nextRunsOf(s, now, 1)[0] ?? null) : null;
}

/**
 * The scheduled GC due now, if any: the latest time it came due since the last one handled (or
 * since the destination was added). Several missed while no scheduler ran make one run: a
 * collection frees everything unused, however many were missed.
 */
export function dueGcOf(d: StoredDestination, timeZone: string, now: Date): { latest: Date; missed: number } | null {
  const s = gcScheduleOf(d, timeZone);
  if (!s) return null;
  const { count, latest } = dueBetween(s, new Date(d.gcLastDue ?? d.createdAt), now);
  return count > 0 && latest ? { latest, missed: count - 1 } : null;
}
