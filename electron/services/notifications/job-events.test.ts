import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicySpec, type PolicySpecInput } from '../../../shared/domain/policies';
import { BackupsTable, openCatalog, type BackupRecord, type Catalog, type StoredJob, type StoredPolicy } from '../../catalog';
import { eventsOfBackupJob, unusualChangeNote, withUnusualChanges, type JobEventDeps, type SpaceUsage } from './job-events';
import { memoryEpisodes } from './state';

// The end of a policy's backup job judged against catalog rows: unusual change, destination nearly full.
const GiB = 1024 ** 3;
let catalog: Catalog;
let backups: BackupsTable;
let policy: StoredPolicy;
let usage: SpaceUsage;
let deps: JobEventDeps;

function setPolicy(spec: Partial<PolicySpecInput>) {
  policy = { id: 'pol', spec: PolicySpec.parse({ name: 'gold', destination: 'd1', notifications: { emails: ['ops@example.org'] }, ...spec }), createdAt: '', updatedAt: '' };
}
beforeEach(() => {
  catalog = openCatalog(':memory:');
  catalog.db.prepare("INSERT INTO destinations(id, name, path, encrypted, is_default, created_at) VALUES ('d1', 'local', '/srv/backups', 0, 1, '2026-01-01')").run();
  backups = new BackupsTable(catalog.db, () => undefined);
  setPolicy({});
  usage = { totalBytes: 1000 * GiB, freeBytes: 500 * GiB };
  deps = {
    policies: { get: (id) => (id === policy.id ? policy : undefined) },
    backups,
    names: { cloud: () => 'lab', instance: () => 'web-1' },
    destination: (id) => (id === 'd1' ? { name: 'local', path: '/srv/backups' } : undefined),
    space: () => Promise.resolve(usage),
    episodes: memoryEpisodes(),
    now: () => new Date('2026-03-10T00:00:00Z'),
  };
});
afterEach(() => catalog.close());

function restorePoint(day: number, kind: 'full' | 'incremental', newBytes: number): BackupRecord {
  const createdAt = `2026-03-0${day}T02:00:00.000Z`;
  const r: BackupRecord = {
    ...{ destinationId: 'd1', providerId: 'p1', resourceKind: 'instance', resourceId: 'i-1', resourceName: 'web-1', parentId: null, sizeBytes: 40 * GiB, storedBytes: newBytes, disks: [], protected: false },
    id: `i-1/${createdAt}`,
    kind,
    createdAt,
    newBytes,
    jobId: `job-${day}`,
  };
  backups.record(r);
  return r;
}
const job = (id: string, state: StoredJob['state'], extra: Partial<StoredJob> = {}): StoredJob => ({
  ...{ kind: 'backup.instance', target: 'instance web-1 (lab)', attempt: 1, maxAttempts: 1, createdAt: '', startedAt: '', finishedAt: '', error: null, summary: null, owner: 'me', cancelRequested: false },
  ...{ progress: { phase: 'done', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null } },
  id,
  state,
  params: { providerId: 'p1', instanceId: 'i-1', destinationId: 'd1', policyId: 'pol' },
  ...extra,
});

describe('what the end of a policy backup reports', () => {
  it('an unusual change rate, in the job log and as a warning to the policy’s recipients', async () => {
    restorePoint(1, 'full', 30 * GiB);
    for (const [day, n] of [[2, 0.5], [3, 0.4], [4, 0.6]] as const) restorePoint(day, 'incremental', Math.round(n * GiB));
    const burst = restorePoint(5, 'incremental', 12 * GiB);
    expect(unusualChangeNote(deps, burst, 'pol')).toMatch(/^Unusual change: this incremental of web-1 wrote 12\.0 GiB of new data, 24\.0× the median of its 3 earlier incrementals/);
    const events = await eventsOfBackupJob(job('job-5', 'warning'), deps);
    expect(events.map((e) => [e.kind, e.title, e.emails])).toEqual([['unusualChange', 'Unusual change rate on web-1 (cloud lab)', ['ops@example.org']]]);
    expect(events[0]?.lines[1]).toBe(`Restore point: ${burst.id}`);
    // marked on the restore point when listed, by the factor of the policy the instance is in now (else 4×)
    const marked = (member: boolean) => withUnusualChanges(backups.list(), { get: deps.policies.get, memberOf: () => (member ? { providerId: 'p1', instanceId: 'i-1', policyId: 'pol', source: 'manual' } : undefined) });
    expect(marked(false).map((r) => r.unusualChange?.factor ?? null)).toEqual([24, null, null, null, null]);
    setPolicy({ notifications: { unusualChangeFactor: 30 } });
    expect(marked(true).every((r) => r.unusualChange === null)).toBe(true);
    expect(await eventsOfBackupJob(job('job-5', 'warning'), deps)).toEqual([]);
    expect(unusualChangeNote(deps, burst, 'pol')).toBeNull();
    setPolicy({ notifications: { unusualChangeFactor: null } });
    expect(unusualChangeNote(deps, burst, 'pol')).toBeNull();
  });

  it('a destination nearly full once, and again only after it had room', async () => {
    restorePoint(1, 'full', 30 * GiB);
    usage = { totalBytes: 1000 * GiB, freeBytes: 60 * GiB };
    const [full] = await eventsOfBackupJob(job('job-1', 'succeeded'), deps);
    expect(full).toMatchObject({ kind: 'destinationFull', title: 'Destination local is 94% full' });
    expect(full?.lines[0]).toBe('/srv/backups has 60.0 GiB free of 1000.0 GiB (94% used; the policy warns from 90%).');
    expect(await eventsOfBackupJob(job('job-1', 'succeeded'), deps)).toEqual([]); // still full: already said
    usage = { totalBytes: 1000 * GiB, freeBytes: 300 * GiB };
    expect(await eventsOfBackupJob(job('job-1', 'succeeded'), deps)).toEqual([]);
    usage = { totalBytes: 1000 * GiB, freeBytes: 20 * GiB };
    expect((await eventsOfBackupJob(job('job-1', 'succeeded'), deps)).map((e) => e.title)).toEqual(['Destination local is 98% full']);
  });

  it('failures, runs whose start window closed, and successes only when asked; nothing for backups no policy started', async () => {
    const failed = job('j', 'failed', { error: { code: 'network.unreachable', message: 'Cannot connect over SSH.', retryable: true } });
    expect((await eventsOfBackupJob(failed, deps)).map((e) => [e.title, e.lines[0]])).toEqual([['Backup of web-1 (cloud lab) failed', 'Reason: Cannot connect over SSH.']]);
    const skipped = job('j', 'cancelled', { summary: 'Skipped: the start window closed before it could start.' });
    expect((await eventsOfBackupJob(skipped, deps)).map((e) => e.title)).toEqual(['Backup of web-1 (cloud lab) was not started']);
    expect(await eventsOfBackupJob(job('j', 'cancelled'), deps)).toEqual([]); // cancelled by someone: not a failure
    expect(await eventsOfBackupJob(job('j', 'succeeded'), deps)).toEqual([]);
    setPolicy({ notifications: { success: true, failure: false, destinationFullPercent: null } });
    expect((await eventsOfBackupJob(job('j', 'succeeded', { summary: 'Full backup x: 1 disk(s).' }), deps)).map((e) => [e.title, e.level])).toEqual([['Backup of web-1 (cloud lab) succeeded', 'info']]);
    expect(await eventsOfBackupJob(failed, deps)).toEqual([]);
    expect(await eventsOfBackupJob({ ...failed, params: { providerId: 'p1', instanceId: 'i-1' } }, deps)).toEqual([]);
  });
});
