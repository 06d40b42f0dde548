import type { z } from 'zod';
import type { JobProgress, LogLevel } from '../../shared/domain/jobs';

export interface JobContext<P> {
  readonly jobId: string;
  readonly params: P;
  readonly attempt: number;
  /** Aborted when the user cancels or the app shuts down. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  log(level: LogLevel, message: string): void;
  progress(p: Partial<Omit<JobProgress, 'rate' | 'etaSeconds'>>): void;
}

export interface JobOutcome {
  summary?: string;
}

export interface JobKind<P> {
  kind: string;
  params: z.ZodType<P>;
  /** what the job acts on, for people */
  describeTarget(params: P): string;
  /** attempts in all, retries included (errors marked retryable only) */
  maxAttempts?: number;
  /** at most this many jobs of this kind at once (besides the global limit) */
  concurrency?: number;
  run(ctx: JobContext<P>): Promise<JobOutcome | void>;
}
