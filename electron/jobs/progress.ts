import type { JobProgress } from '../../shared/domain/jobs';

/**
 * Turns raw progress reports into what a person reads: a smoothed rate and an ETA, and
 * decides when a report is worth an event (at most `maxPerSecond`, always on a phase change).
 */
export class ProgressTracker {
  private current: JobProgress = { phase: 'queued', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null };
  private lastSample: { at: number; bytes: number } | undefined;
  private lastEmitAt = -Infinity;

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
      return true;
    }
    return false;
  }
}
