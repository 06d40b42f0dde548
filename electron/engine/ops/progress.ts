/** Progress of an engine operation. Byte counts are cumulative; `rate` is bytesDone per second since the start. */
export interface EngineProgress {
  phase: 'backup' | 'restore' | 'verify' | 'gc-mark' | 'gc-sweep';
  /** the disk being processed, when there is one */
  disk?: string;
  /** logical bytes to go through (disk sizes) */
  bytesTotal: number;
  /** logical bytes done (holes and unchanged chunks included) */
  bytesDone: number;
  /** bytes read from the source (backup) or from chunk files (restore, verify) */
  bytesRead: number;
  /** plain bytes of new chunks */
  bytesNew: number;
  /** bytes written to the repository (backup) or to the sink (restore) */
  bytesStored: number;
  elapsedMs: number;
  rate: number;
}

export type ProgressListener = (p: EngineProgress) => void;

/** Accumulates counters and reports at most every `intervalMs` (and always at the end). */
export class ProgressMeter {
  readonly p: EngineProgress;
  private readonly started = performance.now();
  private last = -Infinity;

  constructor(
    phase: EngineProgress['phase'],
    bytesTotal: number,
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs = 100,
  ) {
    this.p = { phase, bytesTotal, bytesDone: 0, bytesRead: 0, bytesNew: 0, bytesStored: 0, elapsedMs: 0, rate: 0 };
  }

  tick(force = false): void {
    if (!this.listener) return;
    const now = performance.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    this.p.elapsedMs = now - this.started;
    this.p.rate = this.p.elapsedMs > 0 ? (this.p.bytesDone * 1000) / this.p.elapsedMs : 0;
    // Whole chunks are counted, so the last (partial) chunk of a disk may pass its size.
    this.listener({ ...this.p, bytesDone: this.p.bytesTotal > 0 ? Math.min(this.p.bytesDone, this.p.bytesTotal) : this.p.bytesDone });
  }
}
