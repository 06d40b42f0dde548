import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { CancelledError, NotFoundError, WaitFailedError, WaitTimeoutError } from './errors';
import { orNullIfNotFound, waitFor } from './wait-for';

function sequence<T>(values: T[]): () => Promise<T> {
  let i = 0;
  return async () => values[Math.min(i++, values.length - 1)]!;
}

describe('waitFor', () => {
  it('polls with growing intervals until the condition holds, reporting progress', async () => {
    const clock = new ManualClock();
    const progress: [string, number][] = [];
    const v = await waitFor(sequence(['creating', 'creating', 'creating', 'available']), {
      until: (s) => s === 'available',
      timeoutMs: 60_000,
      intervalMs: 1000,
      maxIntervalMs: 3000,
      onProgress: (s, elapsed) => progress.push([s, elapsed]),
      clock,
    });
    expect(v).toBe('available');
    expect(clock.sleeps).toEqual([1000, 2000, 3000]);
    expect(progress).toEqual([
      ['creating', 0],
      ['creating', 1000],
      ['creating', 3000],
      ['available', 6000],
    ]);
  });

  it('fails at once on a failure state', async () => {
    const err = await waitFor(sequence(['creating', 'error']), {
      until: (s) => s === 'available',
      failOn: (s) => (s === 'error' ? 'volume v1 went to error' : undefined),
      timeoutMs: 60_000,
      describe: 'volume v1 to become available',
      clock: new ManualClock(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitFailedError);
    expect((err as WaitFailedError).message).toBe('volume v1 to become available failed: volume v1 went to error');
    expect((err as WaitFailedError).lastValue).toBe('error');
  });

  it('times out with the last state', async () => {
    const clock = new ManualClock();
    const err = await waitFor(sequence(['creating']), {
      until: () => false,
      timeoutMs: 10_000,
      intervalMs: 1000,
      stateOf: (s) => s,
      describe: 'snapshot s1 to become available',
      clock,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe('Gave up waiting for snapshot s1 to become available after 10 s (last state: creating)');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    const clock = new ManualClock();
    const err = await waitFor(
      async () => {
        ctl.abort();
        return 'x';
      },
      { until: () => false, timeoutMs: 10_000, signal: ctl.signal, clock },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });

  it('treats 404 as gone when waiting for a deletion', async () => {
    const gone = new NotFoundError({ status: 404, method: 'GET', url: 'http://x/volumes/1', service: 'Cinder (block-storage)' });
    expect(await orNullIfNotFound(Promise.reject(gone))).toBeNull();
    await expect(orNullIfNotFound(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
