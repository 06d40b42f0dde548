import type { JobKindName, JobParams, JobProgress, LogLevel } from '../../shared/domain/jobs';

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

/** One kind of job; its parameters are those shared/domain/jobs.ts declares for its name. */
export interface JobKind<K extends JobKindName> {
  kind: K;
  /** what the job acts on, for people */
  describeTarget(params: JobParams<K>): string;
  /** attempts in all, retries included (errors marked retryable only) */
  maxAttempts?: number;
  /** at most this many jobs of this kind at once (besides the global limit) */
  concurrency?: number;
  /** what the job loads ("cloud:<id>", "host:<name>", "destination:<id>"), each limited by the manager's slotLimit */
  slots?(params: JobParams<K>): string[];
  /** a job not started by this time (ISO) is not started at all: it ends cancelled, the log says why */
  notAfter?(params: JobParams<K>): string | undefined;
  run(ctx: JobContext<JobParams<K>>): Promise<JobOutcome | void>;
}

/** A job kind of any name, as the manager keeps them. */
export type AnyJobKind = { [K in JobKindName]: JobKind<K> }[JobKindName];
