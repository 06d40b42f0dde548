// Polling for asynchronous transitions (a volume becoming available, a server ACTIVE, a snapshot
// deleted). Intervals grow to spare the API; time comes from the injected clock.
import { systemClock, type Clock } from './clock';
import { CancelledError, NotFoundError, WaitFailedError, WaitTimeoutError } from './errors';

export interface WaitOptions<T> {
  /** Done when this returns true. */
  until: (value: T) => boolean;
  /** Fails at once when this returns a reason (string) or true, e.g. status "error". */
  failOn?: (value: T) => string | boolean | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: (value: T, elapsedMs: number) => void;
  /** Initial poll interval, doubled up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** For messages: "volume 1234 to become available". */
  describe?: string;
  /** A short state for messages ("creating"). */
  stateOf?: (value: T) => string | undefined;
  clock?: Clock;
}

export async function waitFor<T>(fetch: (signal?: AbortSignal) => Promise<T>, opts: WaitOptions<T>): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const what = opts.describe ?? 'the resource';
  const started = clock.now();
  let interval = opts.intervalMs ?? 1_000;
  const maxInterval = opts.maxIntervalMs ?? 10_000;
  let last: T | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw new CancelledError(opts.signal.reason);
    last = await fetch(opts.signal);
    const elapsed = clock.now() - started;
    opts.onProgress?.(last, elapsed);
    if (opts.until(last)) return last;
    const failure = opts.failOn?.(last);
    if (failure) throw new WaitFailedError(what, typeof failure === 'string' ? failure : `reached state ${opts.stateOf?.(last) ?? 'failed'}`, last);
    const remaining = opts.timeoutMs - elapsed;
    if (remaining <= 0) throw new WaitTimeoutError(what, opts.timeoutMs, opts.stateOf?.(last), last);
    await clock.sleep(Math.min(interval, remaining), opts.signal);
    interval = Math.min(maxInterval, interval * 2);
  }
}

/** For waiting on deletion: resolves to null once the service answers 404. */
export async function orNullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
