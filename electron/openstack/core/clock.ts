// Time is injected so retries, backoff, token refresh and waitFor are testable without sleeping.
import { CancelledError } from './errors';

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with CancelledError when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CancelledError(signal.reason));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new CancelledError(signal?.reason));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock for tests: sleeping advances virtual time at once and records the delay.
 * Lives here (not in a test file) because the fixtures and the benchmark use it too.
 */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = Date.UTC(2024, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError(signal.reason);
    this.sleeps.push(ms);
    this.time += ms;
    await Promise.resolve();
    if (signal?.aborted) throw new CancelledError(signal.reason);
  }
}
