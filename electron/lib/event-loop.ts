import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Event-loop delay p99 over the last one to two minutes: two histograms take turns so the
 * figure reflects recent responsiveness, not the whole uptime.
 */
const RESOLUTION_MS = 10;

export class EventLoopMonitor {
  private current: IntervalHistogram;
  private previous: IntervalHistogram | undefined;
  private readonly rotation: NodeJS.Timeout;

  constructor(windowMs = 60_000) {
    this.current = this.start();
    this.rotation = setInterval(() => {
      this.previous?.disable();
      this.previous = this.current;
      this.current = this.start();
    }, windowMs).unref();
  }

  p99Ms(): number {
    const ps = [this.current, this.previous].filter((h): h is IntervalHistogram => h !== undefined && h.count > 0).map((h) => h.percentile(99));
    if (ps.length === 0) return 0;
    // Node records the time between samples, the sampling interval included: subtract it.
    const delayMs = Math.max(...ps) / 1e6 - RESOLUTION_MS;
    return Math.max(0, Math.round(delayMs * 100) / 100);
  }

  stop(): void {
    clearInterval(this.rotation);
    this.current.disable();
    this.previous?.disable();
  }

  private start(): IntervalHistogram {
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    h.enable();
    return h;
  }
}
