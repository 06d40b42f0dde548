import type { KeepRules } from '../../../shared/domain/destinations';
import type { RetentionSimulation, Schedule } from '../../../shared/domain/policies';
import { nextRunsOf } from '../../../shared/domain/schedule-forms';
import { selectKeep } from '../../engine';

type Simulation = RetentionSimulation;

/**
 * What a policy's schedules and retention would leave over the next `days`: every run is taken,
 * and retention applied after each one, as the scheduler does. Pure: nothing is written.
 */
export function simulateRetention(schedules: readonly Schedule[], keep: KeepRules, from: Date, days: number): Simulation {
  const end = from.getTime() + days * 86_400_000;
  const runs: { time: number; schedule: Schedule }[] = [];
  for (const s of schedules) {
    // 10,000 runs at most per schedule (an hourly one over a year is 8,760)
    for (let t = nextRunsOf(s, from, 1)[0]; t && t.getTime() <= end && runs.length < 10_000 * schedules.length; t = nextRunsOf(s, t, 1)[0]) {
      runs.push({ time: t.getTime(), schedule: s });
    }
  }
  runs.sort((a, b) => a.time - b.time);
  // Two schedules due at the same minute take one backup.
  const unique = runs.filter((r, i) => i === 0 || runs[i - 1]?.time !== r.time);
  let existing: { id: string; time: number; schedule: Schedule }[] = [];
  let peak = 0;
  let reasons = new Map<string, string[]>();
  for (const r of unique) {
    existing.push({ id: String(r.time), time: r.time, schedule: r.schedule });
    if (!Object.values(keep).some((n) => (n ?? 0) > 0)) {
      peak = existing.length;
      continue;
    }
    // periods in the workstation's local time, as the prune after each backup judges them
    const decisions = selectKeep(existing, keep);
    const keepIds = new Set(decisions.filter((d) => d.keep).map((d) => d.id));
    reasons = new Map(decisions.map((d) => [d.id, d.reasons]));
    existing = existing.filter((e) => keepIds.has(e.id));
    peak = Math.max(peak, existing.length);
  }
  return {
    kept: existing
      .sort((a, b) => b.time - a.time)
      .map((e) => ({ at: new Date(e.time).toISOString(), scheduleId: e.schedule.id, backupType: e.schedule.backupType, reasons: reasons.get(e.id) ?? ['kept: no retention rule set'] })),
    taken: unique.length,
    peak,
  };
}
