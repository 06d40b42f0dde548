import { z } from 'zod';
import { cronProblem, shortestGapMinutes, timeZoneProblem } from './schedule-forms';

/** A schedule as stored: a policy's backup schedules, a destination's garbage collection. */

const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 02:30');

const ScheduleBase = {
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  /** auto: incremental when the kept snapshot is usable, else full */
  backupType: z.enum(['full', 'incremental', 'auto']).default('auto'),
  /** IANA time zone the times are read in */
  timeZone: z.string().min(1).max(64).default('UTC'),
  /** a run whose backups have not started this many minutes after it was due is skipped (null: until the next run is due) */
  windowMinutes: z
    .number()
    .int()
    .min(5)
    .max(31 * 24 * 60)
    .nullable()
    .default(null),
};

/** Simple forms an admin fills in, and a cron expression for experts; each becomes one cron expression. */
export const Schedule = z
  .discriminatedUnion('form', [
    z
      .object({ form: z.literal('hourly'), everyHours: z.number().int().min(1).max(23), minute: z.number().int().min(0).max(59), ...ScheduleBase })
      .strict(),
    z.object({ form: z.literal('daily'), at: HhMm, ...ScheduleBase }).strict(),
    z.object({ form: z.literal('weekly'), at: HhMm, days: z.array(z.number().int().min(0).max(6)).min(1).max(7), ...ScheduleBase }).strict(),
    z
      .object({ form: z.literal('monthly'), at: HhMm, dayOfMonth: z.union([z.number().int().min(1).max(28), z.literal('last')]), ...ScheduleBase })
      .strict(),
    z.object({ form: z.literal('cron'), expression: z.string().trim().min(9).max(200), ...ScheduleBase }).strict(),
  ])
  .superRefine((s, ctx) => {
    const tz = timeZoneProblem(s.timeZone);
    if (tz) ctx.addIssue({ code: 'custom', path: ['timeZone'], message: tz });
    const cron = cronProblem(s);
    if (cron) ctx.addIssue({ code: 'custom', path: s.form === 'cron' ? ['expression'] : [], message: cron });
    else if (!tz && s.windowMinutes !== null) {
      const gap = shortestGapMinutes(s);
      if (gap !== null && s.windowMinutes > gap)
        ctx.addIssue({
          code: 'custom',
          path: ['windowMinutes'],
          message: `The start window (${s.windowMinutes} min) is longer than the time between runs (${gap} min): a run could still wait when the next is due. Make it at most ${gap} minutes, or leave it empty (until the next run).`,
        });
    }
  });
export type Schedule = z.infer<typeof Schedule>;
export type ScheduleInput = z.input<typeof Schedule>;
