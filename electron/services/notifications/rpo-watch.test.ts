import { describe, expect, it } from 'vitest';
import { PolicySpec, type PolicySpecInput } from '../../../shared/domain/policies';
import { FakeClock } from '../../lib/testing/fake-clock';
import type { NotificationEvent } from './events';
import { RpoWatch, type RpoMember, type RpoPolicy } from './rpo-watch';
import { memoryEpisodes } from './state';

// A fake clock drives the watch's own timer: an hourly policy, a member backed up at 00:05.
const t0 = Date.parse('2026-05-04T00:00:00Z');
const at = (hhmm: string) => Date.parse(`2026-05-04T${hhmm}:00Z`);

function setup(spec: Partial<PolicySpecInput> = {}, leader = true) {
  const clock = new FakeClock(t0);
  const member: RpoMember = { providerId: 'p1', instanceId: 'i-1', instanceName: 'web-1', assignedAt: '2026-05-01T00:00:00.000Z', lastBackupAt: '2026-05-04T00:05:00.000Z' };
  const policy: RpoPolicy = {
    id: 'pol-1',
    spec: PolicySpec.parse({ name: 'hourly', destination: 'd', schedules: [{ id: 'h', form: 'hourly', everyHours: 1, minute: 0 }], notifications: { emails: ['ops@example.org'] }, ...spec }),
    updatedAt: '2026-05-01T00:00:00.000Z',
    members: [member],
  };
  const posted: NotificationEvent[][] = [];
  const watch = new RpoWatch({ policies: () => [policy], cloudName: () => 'lab', episodes: memoryEpisodes(), post: (e) => posted.push(e), isLeader: () => leader, clock, everyMs: 5 * 60_000 });
  return { clock, member, policy, posted, watch };
}

describe('RPO watch', () => {
  it('reports a breach once when two runs have come due since the newest restore point, and again after it ended', () => {
    const { clock, member, posted, watch } = setup();
    watch.start();
    clock.advanceTo(at('01:55')); // the 01:00 run came due: one missed run is not a breach yet (it may be running)
    expect(posted).toHaveLength(0);
    clock.advanceTo(at('02:00')); // 01:00 and 02:00 due since 00:05
    expect(posted).toHaveLength(1);
    expect(posted[0]?.[0]).toMatchObject({ kind: 'rpoBreached', title: 'RPO breached: web-1', emails: ['ops@example.org'], desktop: true });
    expect(posted[0]?.[0]?.lines[0]).toBe(
      'The newest restore point of web-1 (cloud lab) is from 2026-05-04T00:05:00.000Z, and 2 or more runs of policy hourly (every hour at :00 UTC) have come due since.',
    );
    clock.advanceTo(at('05:00')); // checked every 5 minutes for 3 hours: still the same breach, not reported again
    expect(posted).toHaveLength(1);

    member.lastBackupAt = '2026-05-04T05:02:00.000Z'; // a backup succeeded: the breach is over
    clock.advanceTo(at('06:30'));
    expect(posted).toHaveLength(1);
    clock.advanceTo(at('07:00')); // 06:00 and 07:00 missed: a new breach
    expect(posted).toHaveLength(2);
    watch.stop();
  });

  it('counts from when an instance joined when it has no restore point, and from the last edit of the policy', () => {
    const { clock, member, policy, posted, watch } = setup();
    member.lastBackupAt = null;
    member.assignedAt = '2026-05-04T00:30:00.000Z';
    policy.updatedAt = '2026-05-04T01:30:00.000Z'; // edited (or resumed) at 01:30: the 01:00 run does not count
    clock.advanceTo(at('02:30'));
    expect(watch.check()).toHaveLength(0);
    clock.advanceTo(at('03:00'));
    expect(watch.check().map((e) => e.lines[0])).toEqual([
      'web-1 (cloud lab) has no restore point yet, and 2 or more runs of policy hourly (every hour at :00 UTC) have come due since.',
    ]);
    expect(posted).toHaveLength(1);
  });

  it('says nothing for paused policies, policies that do not watch the RPO, or when another process runs the scheduler', () => {
    const late = at('09:00');
    for (const [spec, leader] of [
      [{ enabled: false }, true],
      [{ notifications: { rpoBreached: false } }, true],
      [{}, false],
    ] as const) {
      const { clock, watch } = setup(spec, leader);
      clock.advanceTo(late);
      expect(watch.check()).toEqual([]);
    }
  });
});
