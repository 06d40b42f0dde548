import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicySpec, type PolicySpecInput } from '../../../shared/domain/policies';
import { openCatalog, PoliciesTable, SchedulerLeaseTable, type Catalog } from '../../catalog';
import { FakeClock } from '../../lib/testing/fake-clock';
import { Scheduler } from './scheduler';

let catalog: Catalog;
let table: PoliciesTable;
beforeEach(() => {
  catalog = openCatalog(':memory:');
  table = new PoliciesTable(catalog.db, () => undefined);
});
afterEach(() => catalog.close());

const T = (iso: string) => Date.parse(iso);
function addPolicy(spec: Partial<PolicySpecInput>, at: string, id = 'p1'): void {
  table.insert({ id, spec: PolicySpec.parse({ name: id, destination: 'd', ...spec }), createdAt: at, updatedAt: at });
}

/** A scheduler whose runs are recorded instead of queuing backups. */
function scheduler(clock: FakeClock, owner = '1:x', hostname = 'ws-1', beatMs = 600_000) {
  const runs: { policy: string; backupType: string | undefined; notAfter: string | undefined; at: string }[] = [];
  const s = new Scheduler({
    policies: {
      run: (id, o = {}) => {
        runs.push({ policy: id, backupType: o.backupType, notAfter: o.notAfter, at: new Date(clock.now()).toISOString() });
        return { jobIds: [`job-${runs.length}`], skipped: [] };
      },
    },
    table,
    lease: new SchedulerLeaseTable(catalog.db),
    me: { owner, pid: Number(owner.split(':')[0]), runtime: 'test', hostname },
    clock,
    beatMs,
  });
  return { s, runs };
}

describe('Scheduler', () => {
  it('runs a daily schedule at its local time across a daylight-saving change, with its start window', () => {
    const clock = new FakeClock(T('2026-03-27T12:00:00Z'));
    addPolicy({ schedules: [{ id: 'nightly', form: 'daily', at: '02:30', timeZone: 'Europe/Berlin', backupType: 'incremental', windowMinutes: 60 }] }, '2026-03-27T12:00:00Z');
    const { s, runs } = scheduler(clock);
    expect(s.start().running).toBe(true);
    clock.advanceTo(T('2026-03-31T12:00:00Z'));
    // 02:30 CET is 01:30Z; on 29 March 02:30 does not exist (clocks jump to 03:00 CEST), later days 00:30Z
    expect(runs.map((r) => r.at)).toEqual(['2026-03-28T01:30:00.050Z', '2026-03-29T01:00:00.050Z', '2026-03-30T00:30:00.050Z', '2026-03-31T00:30:00.050Z']);
    expect(runs[0]).toMatchObject({ backupType: 'incremental', notAfter: '2026-03-28T02:30:00.000Z' });
    expect(table.recentRuns({ limit: 10 }).map((r) => r.outcome)).toEqual(['started', 'started', 'started', 'started']);
    s.stop();
  });

  it('runs a missed schedule once on start and says how many runs were missed', () => {
    addPolicy({ schedules: [{ id: 'hourly', form: 'hourly', everyHours: 6, minute: 0 }], missedRuns: 'run-once' }, '2026-12-01T00:30:00Z');
    const clock = new FakeClock(T('2026-12-02T01:10:00Z')); // the workstation was off for a day
    const { s, runs } = scheduler(clock);
    s.start();
    expect(runs).toHaveLength(1);
    const [run] = table.recentRuns({ limit: 5 });
    expect(run).toMatchObject({ outcome: 'caught-up', dueAt: '2026-12-02T00:00:00.000Z', jobIds: ['job-1'] });
    expect(run?.message).toMatch(/^4 run\(s\) of hourly \(every 6 hours at :00 UTC\) missed while no scheduler ran/);
    // a fresh window from now for the catch-up run (by default, until the next run: 6 hours)
    expect(runs[0]?.notAfter).toBe('2026-12-02T07:10:00.000Z');
    clock.advanceTo(T('2026-12-02T06:00:01Z'));
    expect(runs).toHaveLength(2); // and then on time again
    expect(table.recentRuns({ limit: 1 })[0]?.outcome).toBe('started');
    s.stop();
  });

  it("wakes for other scheduled work (a destination's garbage collection) when it says it is next due", () => {
    const clock = new FakeClock(T('2026-12-05T23:00:00Z'));
    const dueTimes = [T('2026-12-06T02:00:00Z'), T('2026-12-13T02:00:00Z')];
    const calls: string[] = [];
    const s = new Scheduler({
      policies: { run: () => ({ jobIds: [], skipped: [] }) },
      table,
      lease: new SchedulerLeaseTable(catalog.db),
      me: { owner: '1:x', pid: 1, runtime: 'test', hostname: 'ws-1' },
      clock,
      beatMs: 24 * 3_600_000, // no beat in between: only the time it gave wakes it
      maintenance: {
        runDue: () => {
          calls.push(new Date(clock.now()).toISOString());
          return dueTimes.find((t) => t > clock.now()) ?? null;
        },
      },
    });
    s.start();
    clock.advanceTo(T('2026-12-06T03:00:00Z'));
    expect(calls).toEqual(['2026-12-05T23:00:00.000Z', '2026-12-06T02:00:00.050Z']);
    s.stop();
  });

  it('skips missed runs when the policy says so, recording why', () => {
    addPolicy({ schedules: [{ id: 'daily', form: 'daily', at: '01:00' }], missedRuns: 'skip' }, '2026-12-01T00:00:00Z');
    const clock = new FakeClock(T('2026-12-03T09:00:00Z'));
    const { s, runs } = scheduler(clock);
    s.start();
    expect(runs).toHaveLength(0);
    expect(table.recentRuns({ limit: 5 })).toEqual([expect.objectContaining({ outcome: 'skipped', message: expect.stringMatching(/^3 run\(s\) .* the policy skips missed runs/) })]);
    s.stop();
  });

  it('does not run a paused policy, nor count what was due while it was paused as missed', () => {
    addPolicy({ enabled: false, schedules: [{ id: 'daily', form: 'daily', at: '01:00' }] }, '2026-12-01T00:00:00Z');
    const clock = new FakeClock(T('2026-12-01T00:00:00Z'));
    const { s, runs } = scheduler(clock);
    s.start();
    clock.advanceTo(T('2026-12-03T12:00:00Z'));
    expect(runs).toHaveLength(0);
    const p = table.get('p1')!;
    table.update(p.id, { ...p.spec, enabled: true }, '2026-12-03T12:00:00Z'); // resumed
    clock.advanceTo(T('2026-12-04T01:00:01Z'));
    expect(runs.map((r) => r.at)).toEqual(['2026-12-04T01:00:00.050Z']);
    expect(table.recentRuns({ limit: 5 }).map((r) => r.outcome)).toEqual(['started']);
    s.stop();
  });

  it('runs one backup when two schedules are due together: the full one, the other saying so', () => {
    addPolicy(
      {
        schedules: [
          { id: 'nightly', form: 'daily', at: '01:00', backupType: 'incremental' },
          { id: 'sunday', form: 'weekly', at: '01:00', days: [0], backupType: 'full' },
        ],
      },
      '2026-12-05T12:00:00Z',
    );
    const clock = new FakeClock(T('2026-12-05T12:00:00Z')); // a Saturday
    const { s, runs } = scheduler(clock);
    s.start();
    clock.advanceTo(T('2026-12-06T01:00:30Z'));
    expect(runs.map((r) => r.backupType)).toEqual(['full']);
    const [skipped, started] = table.recentRuns({ limit: 5 });
    expect(started).toMatchObject({ scheduleId: 'sunday', outcome: 'started' });
    expect(skipped).toMatchObject({ scheduleId: 'nightly', outcome: 'skipped', message: 'nightly (daily at 01:00 UTC) was due with sunday (Sun at 01:00 UTC), a full backup, which ran instead.' });
    clock.advanceTo(T('2026-12-07T01:00:30Z'));
    expect(runs.map((r) => r.backupType)).toEqual(['full', 'incremental']);
    s.stop();
  });

  it('refuse a start window longer than the time between runs, at its field', () => {
    const r = PolicySpec.safeParse({ name: 'x', destination: 'd', schedules: [{ id: 'h', form: 'hourly', everyHours: 1, minute: 0, windowMinutes: 90 }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['schedules', 0, 'windowMinutes'], message: expect.stringMatching(/^The start window \(90 min\) is longer than the time between runs \(60 min\)/) });
  });

  it('runs in one process per catalog: another one names the holder, and takes over when it stops or stops beating', () => {
    const clock = new FakeClock(T('2026-12-03T00:00:00Z'));
    const first = scheduler(clock, '111:a', 'ws-1', 30_000);
    const second = scheduler(clock, '222:b', 'ws-2', 30_000);
    expect(first.s.start().running).toBe(true);
    const refused = second.s.start();
    expect(refused.running).toBe(false);
    expect(refused.holder).toMatchObject({ pid: 111, hostname: 'ws-1', runtime: 'test' });
    expect(second.s.status()).toMatchObject({ running: false, holder: { pid: 111 } });
    first.s.stop(); // a clean stop gives the lease back
    expect(second.s.start().running).toBe(true);
    second.s.stop();
    // A holder on another machine that stopped beating 2 minutes ago (killed, or asleep) is replaced.
    new SchedulerLeaseTable(catalog.db).acquire({ owner: '333:c', pid: 333, hostname: 'ws-3', runtime: 'serve' }, '2026-12-03T00:00:00Z', () => true);
    clock.advanceTo(T('2026-12-03T00:01:00Z'));
    expect(second.s.start().running).toBe(false); // 60 s without a beat is not yet stale
    clock.advanceTo(T('2026-12-03T00:02:00Z'));
    expect(second.s.start().running).toBe(true);
    second.s.stop();
  });
});
