import { describe, expect, it } from 'vitest';
import type { SchedulerStatus } from '../../shared/domain/policies';
import { trayStatusLines } from './tray-menu';

const status = (over: Partial<SchedulerStatus>): SchedulerStatus => ({ running: true, holder: null, nextRuns: [], recent: [], ...over });

describe('tray status lines', () => {
  const now = new Date(2026, 11, 3, 9, 0);
  it('name the next scheduled run and the running jobs', () => {
    const next = new Date(2026, 11, 4, 1, 30).toISOString();
    const lines = trayStatusLines(status({ nextRuns: [{ policyId: 'p', policyName: 'nightly', scheduleId: 's1', at: next }] }), ['Backup instance web-1 (lab)'], now);
    expect(lines.map((l) => l.label)).toEqual([expect.stringMatching(/^Next: nightly tomorrow at 0?1:30/), 'Running: Backup instance web-1 (lab)']);
    expect(lines.every((l) => !l.enabled)).toBe(true);
  });

  it('say where schedules run when another process holds them, and cap long job lists', () => {
    const lines = trayStatusLines(
      status({ running: false, holder: { pid: 42, hostname: 'ws', runtime: 'backstack serve', since: '', heartbeatAt: '' } }),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      now,
    );
    expect(lines[0]?.label).toBe('Schedules run in backstack serve (pid 42)');
    expect(lines.at(-1)?.label).toBe('… and 2 more');
    expect(lines).toHaveLength(7);
  });
});
