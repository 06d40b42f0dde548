import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/jobs';
import type { PostedNotification } from '../../../shared/domain/notifications';
import type { StoredJob } from '../../catalog';
import { EventBus } from '../../lib/events';
import { FakeClock } from '../../lib/testing/fake-clock';
import type { NotificationEvent } from './events';
import type { Mail } from './mailer';
import { Notifier } from './notifier';

// Batching: the job table says which policy backups are still queued or running in this process.
function setup(opts: { configured?: boolean } = {}) {
  const bus = new EventBus();
  const clock = new FakeClock(0);
  const jobs = new Map<string, StoredJob>();
  const sent: Mail[] = [];
  const posted: PostedNotification[] = [];
  const errors: string[] = [];
  bus.on('notifications.posted', (n) => posted.push(n));
  const notifier = new Notifier({
    bus,
    jobs: { get: (id) => jobs.get(id), listUnfinished: () => [...jobs.values()].filter((j) => j.state === 'queued' || j.state === 'running') },
    owner: 'me',
    // each failed job reports itself to the recipients its id names ("a+b" → a@…, b@…)
    eventsOf: (job) =>
      Promise.resolve(
        job.state === 'failed'
          ? [{ kind: 'failure', level: 'error', title: `Backup of ${job.id} failed`, lines: ['Reason: refused.'], policyName: 'gold', desktop: true, emails: job.id.split('+').map((n) => `${n}@example.org`) } satisfies NotificationEvent]
          : [],
      ),
    mail: { configured: opts.configured ?? true, send: (m) => (sent.push(m), Promise.resolve()), noteError: (m) => errors.push(m) },
    log: () => undefined,
    clock,
    maxWaitMs: 600_000,
  });
  notifier.start();
  const setJob = (id: string, state: Job['state'], owner = 'me') => {
    const j = { id, kind: 'backup.instance', state, owner, params: { providerId: 'p', instanceId: id, policyId: 'pol' } } as StoredJob;
    jobs.set(id, j);
    bus.emit('jobs.changed', j);
  };
  return { clock, notifier, sent, posted, errors, setJob };
}

describe('notifier', () => {
  it('waits for the policy backups still running here, then sends one e-mail per set of recipients and one desktop notification', async () => {
    const { notifier, sent, posted, setJob } = setup();
    for (const id of ['ops', 'ops+dba', 'x']) setJob(id, 'queued');
    setJob('elsewhere', 'running', 'another-process'); // another process's backups do not hold the batch
    setJob('ops', 'failed');
    setJob('ops+dba', 'failed');
    await notifier.idle();
    expect(sent).toEqual([]); // "x" still runs
    setJob('x', 'succeeded');
    await notifier.idle();
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      [['ops@example.org'], 'Backstack: 2 backups failed (policy gold)'],
      [['dba@example.org'], 'Backstack: Backup of ops+dba failed'],
    ]);
    expect(posted).toEqual([{ title: 'Backstack: 2 backups failed', body: 'Backup of ops failed\nBackup of ops+dba failed', level: 'error', kinds: ['failure'] }]);
  });

  it('sends a batch after 10 minutes at most, even while backups still run', async () => {
    const { clock, notifier, sent, setJob } = setup();
    setJob('slow', 'running');
    setJob('ops', 'failed');
    await notifier.idle();
    clock.advanceTo(599_000);
    await notifier.idle();
    expect(sent).toHaveLength(0);
    clock.advanceTo(600_000);
    await notifier.idle();
    expect(sent.map((m) => m.subject)).toEqual(['Backstack: Backup of ops failed']);
  });

  it('says on the desktop and in Settings that e-mail was not sent when no mail server is set up', async () => {
    const { notifier, posted, errors, setJob } = setup({ configured: false });
    setJob('ops', 'failed');
    await notifier.idle();
    const why = 'E-mail for policy gold was not sent: no mail server is set up. Set one in Settings → Notifications (or backstack notify smtp --host …).';
    expect(errors).toEqual([why]);
    expect(posted.map((p) => [p.title, p.body])).toEqual([
      ['Backup of ops failed', 'Reason: refused.'],
      ['E-mail notification not sent', why],
    ]);
  });
});
