import { describe, expect, it } from 'vitest';
import type { StoredDestination } from '../../catalog';
import { dueGcOf, gcScheduleOf, nextGcOf } from './gc-schedule';

const dest = (over: Partial<StoredDestination> = {}): StoredDestination => ({
  id: 'd1',
  name: 'local',
  path: '/srv/backups',
  encrypted: false,
  isDefault: true,
  // a Monday
  createdAt: '2026-11-30T09:00:00Z',
  secretId: null,
  gcSchedule: 'default',
  gcLastDue: null,
  ...over,
});
const TZ = 'Europe/Berlin'; // UTC+1 in winter: Sunday 03:00 there is 02:00 UTC

describe('garbage collection on its own schedule', () => {
  it('runs every Sunday at 03:00 in the workstation’s time zone until an admin chooses', () => {
    expect(gcScheduleOf(dest(), TZ)).toMatchObject({ form: 'weekly', days: [0], at: '03:00', timeZone: TZ });
    expect(nextGcOf(dest(), TZ, new Date('2026-12-02T12:00:00Z'))?.toISOString()).toBe('2026-12-06T02:00:00.000Z');
    expect(dueGcOf(dest(), TZ, new Date('2026-12-06T01:59:00Z'))).toBeNull();
    expect(dueGcOf(dest(), TZ, new Date('2026-12-06T02:01:00Z'))).toEqual({ latest: new Date('2026-12-06T02:00:00Z'), missed: 0 });
  });

  it('is due once after the last one handled, and once for several missed while no scheduler ran', () => {
    const handled = dest({ gcLastDue: '2026-12-06T02:00:00Z' });
    expect(dueGcOf(handled, TZ, new Date('2026-12-06T02:30:00Z'))).toBeNull();
    // three Sundays later, the machine woke up: one collection, saying two more were missed
    expect(dueGcOf(handled, TZ, new Date('2026-12-28T08:00:00Z'))).toEqual({ latest: new Date('2026-12-27T02:00:00Z'), missed: 2 });
  });

  it('follows a schedule an admin set, and none when turned off', () => {
    const daily = dest({ gcSchedule: { id: 'gc', form: 'daily', at: '01:30', timeZone: 'UTC', backupType: 'auto', windowMinutes: null } });
    expect(nextGcOf(daily, TZ, new Date('2026-12-02T12:00:00Z'))?.toISOString()).toBe('2026-12-03T01:30:00.000Z');
    const off = dest({ gcSchedule: 'off' });
    expect(gcScheduleOf(off, TZ)).toBeNull();
    expect(nextGcOf(off, TZ, new Date('2026-12-02T12:00:00Z'))).toBeNull();
    expect(dueGcOf(off, TZ, new Date('2027-06-01T00:00:00Z'))).toBeNull();
  });
});
