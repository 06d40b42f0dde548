import { Cron } from 'croner';

/**
 * Schedules as cron expressions, read with croner in a time zone. The simple forms (every N
 * hours, daily, on weekdays, monthly) are written as cron here, once, so the scheduler, the
 * simulator and the editor agree on when a schedule runs.
 */

export type ScheduleForm =
  | { form: 'hourly'; everyHours: number; minute: number }
  | { form: 'daily'; at: string }
  | { form: 'weekly'; at: string; days: number[] }
  | { form: 'monthly'; at: string; dayOfMonth: number | 'last' }
  | { form: 'cron'; expression: string };

const hm = (at: string): [number, number] => {
  const [h, m] = at.split(':').map(Number);
  return [h ?? 0, m ?? 0];
};

export function cronOf(s: ScheduleForm): string {
  switch (s.form) {
    case 'hourly':
      return `${s.minute} ${s.everyHours === 1 ? '*' : `*/${s.everyHours}`} * * *`;
    case 'daily': {
      const [h, m] = hm(s.at);
      return `${m} ${h} * * *`;
    }
    case 'weekly': {
      const [h, m] = hm(s.at);
      return `${m} ${h} * * ${[...new Set(s.days)].sort((a, b) => a - b).join(',')}`;
    }
    case 'monthly': {
      const [h, m] = hm(s.at);
      return `${m} ${h} ${s.dayOfMonth === 'last' ? 'L' : s.dayOfMonth} * *`;
    }
    case 'cron':
      return s.expression.trim().replace(/\s+/g, ' ');
  }
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "every 6 hours at :15", "daily at 02:30", "Mon, Wed at 01:00", "monthly on day 1 at 03:00", or the cron expression. */
export function describeSchedule(s: ScheduleForm & { timeZone?: string }): string {
  const tz = s.timeZone && s.timeZone !== 'UTC' ? ` (${s.timeZone})` : s.timeZone ? ' UTC' : '';
  switch (s.form) {
    case 'hourly':
      return `every ${s.everyHours === 1 ? 'hour' : `${s.everyHours} hours`} at :${String(s.minute).padStart(2, '0')}${tz}`;
    case 'daily':
      return `daily at ${s.at}${tz}`;
    case 'weekly':
      return `${s.days.map((d) => DAY_NAMES[d]?.slice(0, 3)).join(', ')} at ${s.at}${tz}`;
    case 'monthly':
      return `monthly on ${s.dayOfMonth === 'last' ? 'the last day' : `day ${s.dayOfMonth}`} at ${s.at}${tz}`;
    case 'cron':
      return `cron "${cronOf(s)}"${tz}`;
  }
}

// Parsed patterns are reused: the scheduler asks every 30 s, the simulator thousands of times.
const cache = new Map<string, Cron>();
function cronFor(s: ScheduleForm & { timeZone: string }): Cron {
  const key = `${cronOf(s)}|${s.timeZone}`;
  let c = cache.get(key);
  if (!c) {
    if (cache.size > 500) cache.clear();
    c = new Cron(cronOf(s), { paused: true, timezone: s.timeZone });
    cache.set(key, c);
  }
  return c;
}

export function timeZoneProblem(tz: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return null;
  } catch {
    return `Unknown time zone "${tz}": use an IANA name such as Europe/Berlin or UTC.`;
  }
}

/** Why a schedule cannot run, in words for the field; null when it can. */
export function cronProblem(s: ScheduleForm & { timeZone?: string }): string | null {
  const expr = cronOf(s);
  // Minute precision: a six-field (seconds) expression would start backups every few seconds.
  if (expr.split(' ').length !== 5) return `A cron expression has five fields (minute hour day-of-month month day-of-week): "${expr}" has ${expr.split(' ').length}.`;
  try {
    const c = new Cron(expr, { paused: true, ...(s.timeZone && !timeZoneProblem(s.timeZone) ? { timezone: s.timeZone } : {}) });
    if (!c.nextRun(new Date())) return `"${expr}" never runs.`;
    return null;
  } catch (e) {
    return `Not a valid cron expression "${expr}": ${(e as Error).message.replace(/^CronPattern: /, '').replace(/\.$/, '')}.`;
  }
}

/** The next `n` times a schedule runs after `from` (exclusive). */
export function nextRunsOf(s: ScheduleForm & { timeZone: string }, from: Date, n: number): Date[] {
  return cronFor(s).nextRuns(n, from);
}

/** The last `n` times a schedule was due up to `to` (inclusive), newest first. */
export function previousRunsOf(s: ScheduleForm & { timeZone: string }, to: Date, n: number): Date[] {
  return cronFor(s).previousRuns(n, new Date(to.getTime() + 1));
}

/** The runs a schedule was due in (from, to]: how many (counted up to `cap`) and the latest. */
export function dueBetween(s: ScheduleForm & { timeZone: string }, from: Date, to: Date, cap = 10_000): { count: number; latest: Date | null } {
  const c = cronFor(s);
  let count = 0;
  let latest: Date | null = null;
  for (let t = c.nextRun(from); t && t.getTime() <= to.getTime() && count < cap; t = c.nextRun(t)) {
    count++;
    latest = t;
  }
  if (count === cap) latest = c.previousRuns(1, new Date(to.getTime() + 1))[0] ?? latest;
  return { count, latest };
}

/** The shortest time between two runs among the next 12 (minutes), for a schedule that can run. */
export function shortestGapMinutes(s: ScheduleForm & { timeZone?: string }): number | null {
  const runs = cronFor({ ...s, timeZone: s.timeZone ?? 'UTC' }).nextRuns(12, new Date());
  let gap: number | null = null;
  for (let i = 1; i < runs.length; i++) {
    const m = ((runs[i] as Date).getTime() - (runs[i - 1] as Date).getTime()) / 60_000;
    gap = gap === null ? m : Math.min(gap, m);
  }
  return gap === null ? null : Math.round(gap);
}
