import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { intervalMsOf, rpoMsOf } from '../../../shared/domain/dashboard';
import { openCatalog, type Catalog } from '../../catalog';
import { DashboardSeed } from './dashboard.seed';

const H = 3_600_000;
const NOW = new Date('2026-06-10T12:00:00Z'); // a Wednesday

let catalog: Catalog;
let seed: DashboardSeed;
beforeEach(() => {
  catalog = openCatalog(':memory:');
  seed = new DashboardSeed(catalog.db, NOW);
  seed.cloud();
  seed.destination('local');
});
afterEach(() => catalog.close());

describe('RPO of a policy', () => {
  it('is twice the time between runs of its most frequent schedule, the longest gap of a weekday schedule', () => {
    const daily = { form: 'daily' as const, at: '01:00', timeZone: 'UTC' };
    const sixHourly = { form: 'hourly' as const, everyHours: 6, minute: 0, timeZone: 'UTC' };
    const monWed = { form: 'weekly' as const, at: '01:00', days: [1, 3], timeZone: 'UTC' };
    expect(intervalMsOf(daily, NOW)).toBe(24 * H);
    expect(intervalMsOf(monWed, NOW)).toBe(5 * 24 * H); // Wednesday to Monday, not Monday to Wednesday
    expect(rpoMsOf([daily, sixHourly], NOW)).toBe(12 * H);
    expect(rpoMsOf([], NOW)).toBeNull();
  });
});

describe('DashboardService', () => {
  function seedPolicies(): void {
    seed.transaction(() => {
      for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'q', 'h', 'i', 'j', 'p', 'w', 'k', 'l']) seed.instance(id);
      seed.instance('m', { vanished: true });
      // RPO cutoff at noon: the second latest due run, yesterday 01:00 (35 h ago); 48 h as a span
      seed.policy('daily', { schedules: [{ id: 'n', form: 'daily', at: '01:00' }] }, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'q']);
      // cutoff 06:00 (6 h ago); 12 h as a span
      seed.policy('six-hourly', { schedules: [{ id: 's', form: 'hourly', everyHours: 6, minute: 0 }] }, ['h', 'i']);
      seed.policy('by-hand', {}, ['j']);
      seed.policy('paused', { enabled: false, schedules: [{ id: 'n', form: 'daily', at: '01:00' }] }, ['p']);
      seed.policy('empty', { schedules: [{ id: 'n', form: 'daily', at: '01:00' }] }, []);
      // cutoff Monday 01:00 (59 h ago); 10 days as a span (twice Wednesday to Monday)
      seed.policy('weekdays', { schedules: [{ id: 'mw', form: 'weekly', at: '01:00', days: [1, 3] }] }, ['w']);
      seed.backup('a', 3); // protected
      seed.backup('b', 72); // two runs due since: behind
      seed.joined(['c'], 10); // no restore point, joined 10 h ago: not behind yet
      seed.backup('d', 1);
      seed.job('d', 'failed', 0.6, 0.5); // failed after its newest restore point
      seed.backup('e', 2);
      seed.job('e', 'failed', 5); // failed before it: the newer restore point stands
      seed.job('f', 'failed', 8); // failed, and never backed up
      seed.backup('g', 1);
      seed.job('g', 'cancelled', 0.5); // a cancellation is not a failure
      // q: no restore point, a member for 1000 h: behind
      seed.backup('h', 13); // behind
      seed.backup('i', 5);
      seed.job('i', 'interrupted', 30);
      seed.backup('j', 2400); // 100 days, but the policy has no schedule: no RPO
      seed.backup('p', 100); // 100 h, but the policy is paused: not checked, as the notifications do
      seed.backup('w', 50); // taken after Monday's run
      seed.job('a', 'running', 0.2, null);
    });
  }

  it('counts protected, unprotected and failing members per policy, with why they fail', () => {
    seedPolicies();
    const d = seed.service().get();
    const row = (p: (typeof d.policies)[number]) => [
      p.policyName,
      p.enabled,
      p.members,
      p.protected,
      p.unprotected,
      p.failing,
      p.backupFailed,
      p.rpoBreached,
      p.rpoMs,
      p.oldestNewestAt,
    ];
    // prettier-ignore
    expect(d.policies.map(row)).toEqual([
      // name, enabled, members, protected, unprotected, failing (backup failed, RPO breached), RPO, oldest newest restore point
      ['by-hand', true, 1, 1, 0, 0, 0, 0, null, seed.ago(2400)],
      ['daily', true, 8, 3, 1, 4, 2, 2, 48 * H, seed.ago(72)],
      ['empty', true, 0, 0, 0, 0, 0, 0, 48 * H, null],
      ['paused', false, 1, 1, 0, 0, 0, 0, 48 * H, seed.ago(100)],
      ['six-hourly', true, 2, 1, 0, 1, 0, 1, 12 * H, seed.ago(13)],
      ['weekdays', true, 1, 1, 0, 0, 0, 0, 240 * H, seed.ago(50)],
    ]);
    expect(d.policies[1]).toMatchObject({ policyId: 'daily', policyName: 'daily' });
    // k and l are in no policy; m vanished from the cloud and is not counted
    expect(d).toMatchObject({ instances: 15, inNoPolicy: 2 });
  });

  it("lists one policy's members with the status its counts are made of (where the dashboard's links lead)", () => {
    seedPolicies();
    const items = seed.service().memberStatus('daily');
    const byId = Object.fromEntries(items.map((m) => [m.instanceId, [m.status, m.why]]));
    expect(byId).toEqual({
      a: ['protected', null],
      b: ['failing', 'rpo-breached'],
      c: ['unprotected', null],
      d: ['failing', 'backup-failed'],
      e: ['protected', null],
      f: ['failing', 'backup-failed'],
      g: ['protected', null],
      q: ['failing', 'rpo-breached'],
    });
    // The same members the counts add up: 3 protected, 1 unprotected, 4 failing
    const d = seed.service().get();
    const daily = d.policies.find((p) => p.policyId === 'daily')!;
    expect(items.filter((m) => m.status === 'failing')).toHaveLength(daily.failing);
    expect(seed.service().memberStatus('paused')).toEqual([
      { policyId: 'paused', providerId: items[0]!.providerId, instanceId: 'p', status: 'protected', why: null },
    ]);
    // Of every policy: each member once, under its policy
    const all = seed.service().memberStatus(null);
    expect(all).toHaveLength(d.policies.reduce((n, p) => n + p.members, 0));
    expect(
      all
        .filter((m) => m.status === 'failing')
        .map((m) => `${m.policyId}/${m.instanceId}`)
        .sort(),
    ).toEqual(['daily/b', 'daily/d', 'daily/f', 'daily/q', 'six-hourly/h']);
  });

  it('lists the members furthest behind their RPO, the worst first', () => {
    seedPolicies();
    const lag = seed.service().get().rpoLag;
    // the paused policy's member (100 h) is not checked, so not listed
    expect(lag.map((r) => r.name)).toEqual(['vm-b', 'vm-h', 'vm-i', 'vm-w', 'vm-a', 'vm-e', 'vm-d', 'vm-g']);
    expect(lag.map((r) => r.status)).toEqual(['failing', 'failing', 'protected', 'protected', 'protected', 'protected', 'failing', 'protected']);
    expect(lag[0]).toMatchObject({
      policyId: 'daily',
      policyName: 'daily',
      providerId: 'c1',
      instanceId: 'b',
      newestAt: seed.ago(72),
      rpoMs: 48 * H,
    });
    expect(lag[0]?.ratio).toBeCloseTo(1.5, 6);
    expect(lag[1]?.ratio).toBeCloseTo(13 / 12, 6);
  });

  it('counts the jobs of the last 24 hours by state and per hour', () => {
    seedPolicies();
    const { jobs } = seed.service().get();
    // succeeded: the backups of a, d, e, g, h, i; failed: d, e, f; i's interruption is 30 h old
    expect(jobs.byState).toEqual({ queued: 0, running: 1, succeeded: 6, warning: 0, failed: 3, cancelled: 1, interrupted: 0 });
    expect(jobs.total).toBe(11);
    expect(jobs.hours).toHaveLength(24);
    expect(jobs.hours[0]?.start).toBe(seed.ago(24));
    expect(jobs.hours[23]).toEqual({ start: seed.ago(1), succeeded: 0, warning: 0, failed: 1, other: 2 });
    expect(jobs.hours[22]).toMatchObject({ succeeded: 2, failed: 0 });
    expect(jobs.hours.reduce((n, h) => n + h.succeeded + h.warning + h.failed + h.other, 0)).toBe(11);
  });

  it('shows stored bytes per destination over the last 30 days, counting what came before', () => {
    seed.transaction(() => {
      seed.destination('offsite');
      seed.destination('spare');
      for (const id of ['k', 'l']) seed.instance(id);
      seed.backup('l', 40 * 24, { destination: 'offsite', storedBytes: 7000 });
      seed.backup('k', 48, { destination: 'offsite', storedBytes: 5000 });
      seed.backup('k', 1, { destination: 'offsite', storedBytes: 300 });
    });
    const storage = seed.service().get().storage;
    expect(storage.map((s) => [s.name, s.storedBytes, s.logicalBytes, s.restorePoints])).toEqual([
      ['local', 0, 0, 0],
      ['offsite', 12300, 49200, 3],
      ['spare', 0, 0, 0],
    ]);
    const offsite = storage[1]!;
    expect(offsite.days).toHaveLength(30);
    expect(offsite.days[0]).toEqual({ day: '2026-05-12', bytes: 7000 });
    expect(offsite.days.find((x) => x.day === '2026-06-07')?.bytes).toBe(7000);
    expect(offsite.days.find((x) => x.day === '2026-06-08')?.bytes).toBe(12000);
    expect(offsite.days.at(-1)).toEqual({ day: '2026-06-10', bytes: 12300 });
    expect(storage[2]?.days.every((x) => x.bytes === 0)).toBe(true);
  });

  it('passes on who runs the schedules and the next six runs', () => {
    const nextRuns = Array.from({ length: 8 }, (_, i) => ({ policyId: 'p', policyName: 'P', scheduleId: `s${i}`, at: seed.ago(-i - 1) }));
    const holder = { pid: 42, hostname: 'ws-1', runtime: 'backstack serve', since: seed.ago(5), heartbeatAt: seed.ago(0) };
    const d = seed.service({ running: true, holder, nextRuns }).get();
    expect(d.scheduler).toEqual({ pid: 42, hostname: 'ws-1', runtime: 'backstack serve' });
    expect(d.nextRuns.map((r) => r.scheduleId)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(seed.service().get().scheduler).toBeNull();
  });

  it('answers for a 10,000-instance catalog with the figures its restore points and jobs give', () => {
    // n % 6: 0 none yet (joined 10 h ago), 1 fresh, 2 behind (60 h, two runs due since), 3 failed after its newest, 4 failed before it, 5 fresh
    const kinds = ['unprotected', 'protected', 'breached', 'failed', 'protected', 'protected'] as const;
    seed.transaction(() => {
      for (let n = 0; n < 10_000; n++) seed.instance(`i${n}`);
      for (let p = 0; p < 50; p++) {
        const members = Array.from({ length: 180 }, (_, k) => `i${p + 50 * k}`);
        seed.policy(`p${p}`, { schedules: [{ id: 'n', form: 'daily', at: '01:00' }] }, members);
      }
      seed.joined(
        Array.from({ length: 1500 }, (_, k) => `i${6 * k}`),
        10,
      );
      for (let n = 0; n < 10_000; n++) {
        const kind = n % 6;
        if (kind === 0) continue;
        const newest = kind === 2 ? 60 : 2 + (n % 5);
        for (const h of [newest, newest + 24, newest + 48]) seed.backup(`i${n}`, h);
        if (kind === 3) seed.job(`i${n}`, 'failed', 1);
        if (kind === 4) seed.job(`i${n}`, 'failed', newest + 1);
      }
    });
    const d = seed.service().get();
    expect(d).toMatchObject({ instances: 10_000, inNoPolicy: 1000 });
    expect(d.policies).toHaveLength(50);
    for (const p of d.policies) {
      const members = Array.from({ length: 180 }, (_, k) => kinds[(Number(p.policyId.slice(1)) + 50 * k) % 6]);
      const count = (k: string) => members.filter((m) => m === k).length;
      expect(p).toMatchObject({
        members: 180,
        protected: count('protected'),
        unprotected: count('unprotected'),
        backupFailed: count('failed'),
        rpoBreached: count('breached'),
      });
    }
    const total = (k: 'protected' | 'unprotected' | 'failing') => d.policies.reduce((n, p) => n + p[k], 0);
    expect([total('protected'), total('unprotected'), total('failing')]).toEqual([4500, 1500, 3000]);
    expect(d.rpoLag).toHaveLength(8);
    expect(d.rpoLag.every((r) => r.ratio === 60 / 48 || Math.abs(r.ratio - 60 / 48) < 1e-6)).toBe(true);
    expect(d.storage[0]).toMatchObject({ name: 'local', restorePoints: 8333 * 3, storedBytes: 8333 * 3 * 1000 });
  });
});
