import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Schedule } from '../../../shared/domain/policies';
import { simulateRetention } from './simulate';

// Retention periods are the workstation's local days and weeks: the expectations are written in UTC.
const zone = process.env.TZ;
beforeAll(() => void (process.env.TZ = 'UTC'));
afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)));

describe('retention simulator', () => {
  it('keeps 7 dailies and the newest of the 4 weeks before them, over 35 days of nightly backups with a Sunday full', () => {
    const schedules = [
      Schedule.parse({ id: 'daily', form: 'daily', at: '01:00', backupType: 'incremental' }),
      Schedule.parse({ id: 'weekly', form: 'weekly', at: '01:00', days: [0], backupType: 'full' }),
    ];
    const sim = simulateRetention(schedules, { daily: 7, weekly: 4 }, new Date('2026-12-03T00:00:00Z'), 35);
    // 3 Dec … 6 Jan: 35 nights; on Sundays both schedules are due at 01:00 and one backup is taken
    expect(sim.taken).toBe(35);
    expect(sim.kept.map((k) => k.at.slice(0, 10))).toEqual([
      '2027-01-06', '2027-01-05', '2027-01-04', '2027-01-03', '2027-01-02', '2027-01-01', '2026-12-31',
      '2026-12-27', '2026-12-20', '2026-12-13', '2026-12-06',
    ]);
    expect(sim.kept[7]).toMatchObject({ reasons: ['weekly 2026-W52 (#1 of 4)'] });
    expect(sim.peak).toBe(11);
  });

  it('keeps everything when no rule is set', () => {
    const sim = simulateRetention([Schedule.parse({ id: 'h', form: 'hourly', everyHours: 6, minute: 0 })], {}, new Date('2026-12-03T00:00:00Z'), 2);
    expect(sim.taken).toBe(8);
    expect(sim.kept).toHaveLength(8);
  });
});
