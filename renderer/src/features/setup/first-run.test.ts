import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type FirstRun } from '../../../../shared/domain/app';
import type { Job } from '../../../../shared/domain/jobs';
import { advance, dismiss, factsOf, firstOpen, isDone, opensByItself, reopen, resumeAt, skip, statusOf, type HostRow, type SetupFacts } from './first-run';

const empty: SetupFacts = { clouds: 0, hosts: 0, hostsReady: 0, destinations: 0, policies: 0, backups: 0 };
const start: FirstRun = DEFAULT_SETTINGS.firstRun;

describe('which step is current', () => {
  it('starts a new installation at adding a cloud', () => {
    expect(resumeAt(start, empty)).toBe('cloud');
  });

  it('passes over what exists already: a cloud added from the Clouds page, a destination from the CLI', () => {
    const f = { ...empty, clouds: 1, hosts: 2, hostsReady: 2, destinations: 1 };
    expect(resumeAt(start, f)).toBe('policy');
    expect(statusOf('cloud', f, start)).toBe('done');
    expect(statusOf('policy', f, start)).toBe('todo');
  });

  it('counts hypervisor access done only when every host found has SSH with its key pinned', () => {
    expect(isDone('hypervisors', { ...empty, clouds: 1, hosts: 0 })).toBe(false);
    expect(isDone('hypervisors', { ...empty, clouds: 1, hosts: 2, hostsReady: 1 })).toBe(false);
    expect(isDone('hypervisors', { ...empty, clouds: 1, hosts: 2, hostsReady: 2 })).toBe(true);
  });

  it('ends at the summary when every step is done or skipped', () => {
    const done = { clouds: 1, hosts: 1, hostsReady: 1, destinations: 1, policies: 1, backups: 1 };
    expect(firstOpen(done, [])).toBe('summary');
    expect(firstOpen({ ...done, backups: 0 }, ['run'])).toBe('summary');
    expect(firstOpen({ ...done, backups: 0 }, [])).toBe('run');
  });
});

describe('skipping', () => {
  it('remembers the step as skipped and moves on to the next', () => {
    const p = skip(start, 'cloud');
    expect(p).toEqual({ dismissed: false, step: 'hypervisors', skipped: ['cloud'] });
    expect(statusOf('cloud', empty, p)).toBe('skipped');
    expect(skip(p, 'cloud').skipped).toEqual(['cloud']);
  });

  it('shows a skipped step done once its work exists', () => {
    expect(statusOf('cloud', { ...empty, clouds: 1 }, skip(start, 'cloud'))).toBe('done');
  });

  it('skipping every step reaches the summary, and the wizard no longer opens by itself', () => {
    let p = start;
    for (const step of ['cloud', 'hypervisors', 'destination', 'policy', 'run'] as const) p = skip(p, step);
    expect(p.step).toBe('summary');
    expect(p.dismissed).toBe(true);
    expect(opensByItself(p, empty)).toBe(false);
  });

  it('Next does not mark a step skipped', () => {
    expect(advance(start, 'cloud')).toEqual({ dismissed: false, step: 'hypervisors', skipped: [] });
  });
});

describe('resuming', () => {
  it('opens where the admin left it while that step is not done', () => {
    const p = { ...skip(start, 'cloud'), step: 'destination' as const };
    expect(resumeAt(p, empty)).toBe('destination');
  });

  it('moves past the step left at when its work was done elsewhere since, not back to a skipped one', () => {
    const p: FirstRun = { dismissed: true, step: 'destination', skipped: ['cloud', 'hypervisors'] };
    expect(resumeAt(p, { ...empty, destinations: 1 })).toBe('policy');
  });

  it('reopening from Settings makes skipped steps to do again and opens at the first one not done', () => {
    let p = start;
    for (const step of ['cloud', 'hypervisors', 'destination', 'policy', 'run'] as const) p = skip(p, step);
    const again = reopen(p);
    expect(again.dismissed).toBe(false);
    expect(again.skipped).toEqual([]);
    expect(resumeAt(again, { ...empty, clouds: 1 })).toBe('hypervisors');
  });

  it('reopening keeps the step the admin closed the wizard at', () => {
    const closed = dismiss({ dismissed: false, step: 'policy', skipped: ['hypervisors'] });
    expect(resumeAt(reopen(closed), { ...empty, clouds: 1, destinations: 1 })).toBe('policy');
  });
});

describe('opening by itself', () => {
  it('opens on a first start only: nothing in the catalog and not closed', () => {
    expect(opensByItself(start, empty)).toBe(true);
    expect(opensByItself(dismiss(start), empty)).toBe(false);
    expect(opensByItself(start, { ...empty, clouds: 1 })).toBe(false);
    expect(opensByItself(start, { ...empty, destinations: 1 })).toBe(false);
    expect(opensByItself(start, { ...empty, policies: 1 })).toBe(false);
  });
});

describe('what the steps read from the catalog', () => {
  const job = (state: Job['state'], kind: Job['kind'] = 'backup.instance'): Job => ({
    id: `${kind}-${state}`,
    kind,
    target: 'instance web-1',
    state,
    progress: { phase: '', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null },
    attempt: 1,
    maxAttempts: 1,
    createdAt: '2026-03-12T04:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    summary: null,
  });
  const host = (hostname: string, ssh: { address: string | null; hostKey: string | null }) =>
    ({ hostname, providerId: 'p1', ssh: { ...ssh, port: 22, user: 'root', auth: 'key', key: null, transfer: { kind: 'ssh' } } }) as HostRow;
  const lists = { providers: [{}], hosts: [], destinations: [], policies: [], jobs: [] };

  it('leaves the first backup to do while every backup failed, was cancelled or interrupted', () => {
    expect(factsOf({ ...lists, jobs: [job('failed'), job('cancelled'), job('interrupted'), job('succeeded', 'inventory.sync')] }).backups).toBe(0);
    expect(factsOf({ ...lists, jobs: [job('failed'), job('running')] }).backups).toBe(1);
    expect(factsOf({ ...lists, jobs: [job('warning')] }).backups).toBe(1);
  });

  it('counts a host ready once its SSH settings are saved and its host key pinned', () => {
    const f = factsOf({
      ...lists,
      hosts: [host('a', { address: '10.0.0.1', hostKey: 'ssh-ed25519 SHA256:x' }), host('b', { address: '10.0.0.2', hostKey: null }), host('c', { address: null, hostKey: null })],
    });
    expect(f).toMatchObject({ clouds: 1, hosts: 3, hostsReady: 1 });
  });
});
