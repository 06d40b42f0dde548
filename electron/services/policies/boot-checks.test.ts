import { describe, expect, it } from 'vitest';
import type { StoredJob } from '../../catalog';
import { bootCheckDue, queueBootCheckIfDue, type BootCheckDeps } from './boot-checks';

const now = new Date('2026-12-03T12:00:00Z');
const checkedAt = (at: string) => ({ verification: { at } as never });
const record = { id: 'srv-1/2026-12-03T11-00-00.000Z', destinationId: 'd1', resourceId: 'srv-1' };

function deps(over: Partial<BootCheckDeps> = {}): BootCheckDeps & { queued: string[] } {
  const queued: string[] = [];
  return {
    queued,
    verifyEveryDays: () => 7,
    history: () => [],
    unfinished: () => [],
    queue: async (backupId) => {
      queued.push(backupId);
      return { jobId: 'job-9' };
    },
    now: () => now,
    ...over,
  };
}

describe('verify by booting every N days', () => {
  it('is due when never checked or when the last check (passed or failed) is N days old, not before', () => {
    expect(bootCheckDue(7, [{ verification: null }], 0, now)).toBe(true);
    expect(bootCheckDue(7, [checkedAt('2026-11-26T12:00:00Z')], 0, now)).toBe(true);
    expect(bootCheckDue(7, [checkedAt('2026-11-26T12:00:00Z'), checkedAt('2026-11-27T12:00:01Z')], 0, now)).toBe(false);
    expect(bootCheckDue(1, [checkedAt('2026-12-02T12:00:00Z')], 0, now)).toBe(true);
  });

  it('queues the new restore point when due and says so in the job log', async () => {
    const d = deps();
    expect(await queueBootCheckIfDue(d, record, 'gold')).toEqual({ level: 'info', message: 'Boot check queued (job job-9): the policy verifies by booting every 7 days.' });
    expect(d.queued).toEqual([record.id]);
  });

  it('queues nothing for a backup outside a policy, a policy that does not check, or a check already queued', async () => {
    const queuedJob = { kind: 'restore.verify', params: { backupId: 'srv-1/2026-12-01T00-00-00.000Z' } } as StoredJob;
    const other = { kind: 'restore.verify', params: { backupId: 'srv-10/2026-12-01T00-00-00.000Z' } } as StoredJob;
    for (const [d, policy] of [
      [deps(), undefined],
      [deps({ verifyEveryDays: () => null }), 'gold'],
      [deps({ unfinished: () => [queuedJob] }), 'gold'],
    ] as const) {
      expect(await queueBootCheckIfDue(d, record, policy)).toBeNull();
      expect(d.queued).toEqual([]);
    }
    // another instance whose id starts alike does not hold this one's check back
    const d = deps({ unfinished: () => [other] });
    expect(await queueBootCheckIfDue(d, record, 'gold')).toMatchObject({ level: 'info' });
  });

  it('warns with what to do when the check cannot be queued, without failing the backup', async () => {
    const d = deps({
      verifyEveryDays: () => 1,
      queue: async () => {
        throw new Error('Choose the sandbox project of lab that boot checks run in (--sandbox-project).');
      },
    });
    expect(await queueBootCheckIfDue(d, record, 'gold')).toEqual({
      level: 'warn',
      message: 'A boot check is due (the policy verifies by booting every day) but could not be queued: Choose the sandbox project of lab that boot checks run in (--sandbox-project).',
    });
  });
});
