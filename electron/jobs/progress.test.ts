import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress';

describe('ProgressTracker', () => {
  it('computes a rate and an ETA from byte counts over time', () => {
    let t = 0;
    const p = new ProgressTracker(() => t);
    p.update({ phase: 'copying', bytesDone: 0, bytesTotal: 1000 });
    for (let i = 1; i <= 4; i++) {
      t += 1000;
      p.update({ bytesDone: i * 100 });
    }
    expect(p.value.rate).toBeCloseTo(100, 5);
    expect(p.value.etaSeconds).toBe(6);
  });

  it('holds back reports between events, and says when the held one may go out', () => {
    let t = 0;
    const p = new ProgressTracker(() => t);
    expect(p.update({ phase: 'copying', bytesDone: 0, bytesTotal: 100 })).toBe(true);
    expect(p.heldFor).toBeNull();
    t += 100;
    expect(p.update({ bytesDone: 40 })).toBe(false);
    expect(p.heldFor).toBe(150);
    t += 150;
    expect(p.flush()).toBe(true);
    expect(p.value.bytesDone).toBe(40);
    expect(p.flush()).toBe(false); // nothing more is held
  });

  it('resets the rate when the phase changes', () => {
    let t = 0;
    const p = new ProgressTracker(() => t);
    p.update({ phase: 'copying', bytesDone: 0 });
    t += 1000;
    p.update({ bytesDone: 500 });
    expect(p.value.rate).not.toBeNull();
    t += 10;
    expect(p.update({ phase: 'verifying', bytesDone: 0 })).toBe(true);
    expect(p.value.rate).toBeNull();
  });
});
