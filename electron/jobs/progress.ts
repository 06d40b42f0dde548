import type { JobProgress } from '../../shared/domain/jobs';

/**
 * Turns raw progress reports into what a person reads: a smoothed rate and an ETA, and
 * decides when a report is worth an event (at most `maxPerSecond`, always on a phase change).
 * A report held back is published later (`heldFor`, `flush`): the last one before a long silent
 * step is what people then see, not the one before it.
 */
export class ProgressTracker {
  private current: JobProgress = { phase: 'Queued', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null };
  private lastSample: { at: number; bytes: number } | undefined;
  private lastEmitAt = -Infinity;
  private withheld = false;

  constructor(
    private readonly now: () => number,
    private readonly maxPerSecond = 4,
    /** smoothing of the rate: the weight of the newest sample */
    private readonly alpha = 0.3,
  ) {}

  get value(): JobProgress {
    return this.current;
  }

  /** Returns true when the caller should publish the new value. */
  update(p: Partial<Omit<JobProgress, 'rate' | 'etaSeconds'>>): boolean {
    const t = this.now();
    const phaseChanged = p.phase !== undefined && p.phase !== this.current.phase;
    const next: JobProgress = { ...this.current, ...p };
    if (phaseChanged) this.lastSample = undefined;
    if (p.bytesDone !== undefined) {
      if (this.lastSample && t > this.lastSample.at) {
        const inst = ((next.bytesDone - this.lastSample.bytes) * 1000) / (t - this.lastSample.at);
        if (inst >= 0) next.rate = next.rate === null || phaseChanged ? inst : this.alpha * inst + (1 - this.alpha) * next.rate;
      }
      if (!this.lastSample || t - this.lastSample.at >= 250) this.lastSample = { at: t, bytes: next.bytesDone };
    }
    if (phaseChanged) next.rate = null;
    next.etaSeconds =
      next.rate && next.rate > 0 && next.bytesTotal !== null ? Math.max(0, Math.round((next.bytesTotal - next.bytesDone) / next.rate)) : null;
    this.current = next;
    if (phaseChanged || t - this.lastEmitAt >= 1000 / this.maxPerSecond) {
      this.lastEmitAt = t;
      this.withheld = false;
      return true;
    }
    this.withheld = true;
    return false;
  }

  /** After a report update() held back: the time until it may be published (ms); null when none is held. */
  get heldFor(): number | null {
    return this.withheld ? Math.max(0, 1000 / this.maxPerSecond - (this.now() - this.lastEmitAt)) : null;
  }

  /** Marks the report held back as published; false when there was none (a later one went out meanwhile). */
  flush(): boolean {
    if (!this.withheld) return false;
    this.withheld = false;
    this.lastEmitAt = this.now();
    return true;
  }
}
