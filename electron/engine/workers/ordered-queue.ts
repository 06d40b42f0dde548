/**
 * Results of concurrent jobs, consumed strictly in submission order as soon as each one is
 * ready (the index must list chunk positions in order; a restore writes in disk order). At
 * most `maxInFlight` jobs are held, running or waiting for their turn: push() waits for room,
 * which bounds memory (a job holds buffers) and is the backpressure on whatever feeds the
 * queue. Values pushed ready (a reused digest, a hole) hold no buffer: they only count against
 * `maxReady`, so a scattered incremental keeps every worker busy instead of stalling after a
 * few cheap values queued behind one running job. The first failure stops everything and is
 * thrown by push() or finish().
 */
export class OrderedQueue<T> {
  private readonly slots: { done: boolean; value: T | undefined; job: boolean }[] = [];
  private readonly jobs = new Set<Promise<unknown>>();
  /** jobs pushed and not consumed yet, finished or not */
  private heldJobs = 0;
  private draining: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly consume: (value: T) => Promise<void>,
    private readonly maxInFlight: number,
    private readonly maxReady = 16_384,
  ) {}

  /** Adds a ready value or a job; resolves once there is room for another job. */
  async push(value: T | Promise<T>): Promise<void> {
    // The job is tracked even after a failure: it must never reject unobserved, and settle() waits for it.
    const isJob = value instanceof Promise;
    const slot = { done: !isJob, value: isJob ? undefined : value, job: isJob };
    this.slots.push(slot);
    if (isJob) {
      this.heldJobs++;
      const job = value.then(
        (v) => {
          slot.value = v;
          slot.done = true;
        },
        (e: unknown) => this.fail(e),
      );
      this.jobs.add(job);
      void job.finally(() => {
        this.jobs.delete(job);
        this.kick();
      });
    } else this.kick();
    while ((this.heldJobs >= this.maxInFlight || this.slots.length >= this.maxReady) && !this.failure) await new Promise<void>((r) => (this.wake = r));
    this.throwIfFailed();
  }

  /** Waits until every job has finished and every value is consumed. */
  async finish(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
    this.kick();
    await this.draining;
    this.throwIfFailed();
  }

  /** After a failure elsewhere: lets running jobs end, so none outlives the caller's cleanup. */
  async settle(): Promise<void> {
    this.fail(new Error('cancelled'));
    await Promise.allSettled([...this.jobs]);
    await this.draining.catch(() => undefined);
  }

  private kick(): void {
    this.draining = this.draining.then(async () => {
      while (!this.failure && this.slots[0]?.done) {
        const slot = this.slots[0] as { value: T };
        try {
          await this.consume(slot.value);
        } catch (e) {
          this.fail(e);
        }
        if (this.slots.shift()?.job) this.heldJobs--; // only now is its memory free
        this.wake?.();
      }
    });
  }

  private fail(e: unknown): void {
    this.failure ??= { error: e };
    this.wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
