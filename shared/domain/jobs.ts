import { z } from 'zod';
import { AppErrorPayload } from '../errors/codes';

export const JobState = z.enum(['queued', 'running', 'succeeded', 'warning', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'warning', 'failed', 'cancelled', 'interrupted'];
export const isTerminal = (s: JobState): boolean => TERMINAL_JOB_STATES.includes(s);

export const JobProgress = z.object({
  phase: z.string(),
  /** what bytesDone/bytesTotal count: bytes (transfers) or steps (sync, prune) */
  unit: z.enum(['bytes', 'steps']).optional(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  /** bytes per second over the last few seconds */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  /** what the job acts on, for people: "instance web-1", "repository /backups" */
  target: z.string(),
  state: JobState,
  progress: JobProgress,
  attempt: z.number().int().positive(),
  maxAttempts: z.number().int().positive(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: AppErrorPayload.nullable(),
  /** a short outcome summary set by the job on success */
  summary: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const LogLevel = z.enum(['info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

export const JobLogEntry = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string(),
  level: LogLevel,
  message: z.string(),
});
export type JobLogEntry = z.infer<typeof JobLogEntry>;
