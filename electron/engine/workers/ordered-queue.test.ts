import { describe, expect, it } from 'vitest';
import { OrderedQueue } from './ordered-queue';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

describe('OrderedQueue', () => {
  it('consumes in submission order as soon as the head is ready', async () => {
    const seen: number[] = [];
    const q = new OrderedQueue<number>(async (v) => void seen.push(v), 10);
    const a = deferred<number>();
    const b = deferred<number>();
    await q.push(a.promise);
    await q.push(b.promise);
    await q.push(3);
    b.resolve(2);
    await Promise.resolve();
    expect(seen).toEqual([]);
    a.resolve(1);
    await q.finish();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('holds at most maxInFlight items, finished or not, until they are consumed', async () => {
    const gate = deferred<void>();
    let consumed = 0;
    const q = new OrderedQueue<number>(async () => {
      await gate.promise; // a slow consumer (a sink)
      consumed++;
    }, 2);
    await q.push(Promise.resolve(1));
    let room = false;
    const p2 = q.push(Promise.resolve(2)).then(() => (room = true));
    await new Promise((r) => setImmediate(r));
    expect(room).toBe(false); // both results are done but not consumed: no room for a third
    gate.resolve();
    await p2;
    await q.push(3);
    await q.finish();
    expect(consumed).toBe(3);
  });

  it('lets ready values queue behind a running job without taking a job slot (scattered incrementals keep every worker busy)', async () => {
    const seen: number[] = [];
    const q = new OrderedQueue<number>(async (v) => void seen.push(v), 2, 5);
    const slow = deferred<number>();
    await q.push(slow.promise);
    for (let i = 2; i <= 4; i++) await q.push(i); // cheap values: no wait although a job is held
    let room = false;
    const second = deferred<number>();
    const p = q.push(second.promise).then(() => (room = true));
    await new Promise((r) => setImmediate(r));
    expect(room).toBe(false); // two jobs held: the job bound applies
    slow.resolve(1);
    second.resolve(5);
    await p;
    await q.finish();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('bounds ready values too', async () => {
    const q = new OrderedQueue<number>(async () => undefined, 2, 3);
    const slow = deferred<number>();
    await q.push(slow.promise);
    await q.push(2);
    let room = false;
    const p = q.push(3).then(() => (room = true));
    await new Promise((r) => setImmediate(r));
    expect(room).toBe(false);
    slow.resolve(1);
    await p;
    await q.finish();
  });

  it('observes a job pushed after a failure (no unhandled rejection), and waits for it', async () => {
    const q = new OrderedQueue<number>(async () => undefined, 4);
    await q.push(Promise.reject(new Error('first')));
    await new Promise((r) => setImmediate(r));
    const late = deferred<number>();
    await expect(q.push(late.promise)).rejects.toThrow('first');
    late.reject(new Error('second')); // would crash the process if nobody listened
    await q.settle();
    await expect(q.finish()).rejects.toThrow('first');
  });

  it('stops at the first failure', async () => {
    const q = new OrderedQueue<number>(async () => undefined, 4);
    await q.push(Promise.reject(new Error('boom')));
    await new Promise((r) => setImmediate(r));
    await expect(q.push(1)).rejects.toThrow('boom');
    await expect(q.finish()).rejects.toThrow('boom');
  });
});
