import { describe, expect, it } from 'vitest';
import type { Job, JobLogEntry } from '../../../shared/domain/jobs';
import { failure, fakeApi, flush } from '../api/testing/fake-api';
import { createJobsStore, syncJobs } from './jobs.store';

const job = (id: string, over: Partial<Job> = {}): Job => ({
  id,
  kind: 'destination.verify',
  target: 'destination local',
  state: 'running',
  progress: { phase: 'verify', bytesDone: 0, bytesTotal: 100, rate: null, etaSeconds: null },
  attempt: 1,
  maxAttempts: 1,
  createdAt: '2026-12-01T10:00:00Z',
  startedAt: '2026-12-01T10:00:00Z',
  finishedAt: null,
  error: null,
  summary: null,
  ...over,
});
const entry = (seq: number): JobLogEntry => ({ seq, at: '2026-12-01T10:00:00Z', level: 'info', message: `line ${seq}` });

function setup() {
  const f = fakeApi();
  const store = createJobsStore(f.api);
  const resync = new Set<() => void>();
  const start = () => syncJobs(f.api, store, (fn) => (resync.add(fn), () => resync.delete(fn)));
  return { f, store, start, resync };
}

describe('jobs store', () => {
  it('lists the jobs on start, then follows changes and progress from events', async () => {
    const { f, store, start } = setup();
    f.script('jobs.list', { items: [job('1')], nextCursor: null });
    start();
    await flush();
    expect(store.getState()).toMatchObject({ loaded: true, error: null, byId: { '1': job('1') } });

    f.emit('jobs.changed', job('2', { state: 'queued' }));
    f.emit('jobs.progressed', { id: '1', progress: { ...job('1').progress, bytesDone: 50 } });
    f.emit('jobs.progressed', { id: 'unknown', progress: job('1').progress });
    expect(Object.keys(store.getState().byId).sort()).toEqual(['1', '2']);
    expect(store.getState().byId['1']!.progress.bytesDone).toBe(50);
  });

  it('keeps a change that arrived while the listing was on its way (the event is newer)', async () => {
    const { f, store, start } = setup();
    f.script('jobs.list', 'pending');
    start();
    f.emit('jobs.changed', job('1', { state: 'succeeded' }));
    f.takePending<{ items: Job[]; nextCursor: null }>().resolve({ items: [job('1', { state: 'running' }), job('2')], nextCursor: null });
    await flush();
    expect(store.getState().byId['1']!.state).toBe('succeeded');
    expect(store.getState().byId['2']).toBeDefined();
  });

  it('reports a failed listing, and lists again on resync', async () => {
    const { f, store, start, resync } = setup();
    f.script('jobs.list', failure({ code: 'network.unreachable', message: 'The console is not reachable.' }), {
      items: [job('1')],
      nextCursor: null,
    });
    start();
    await flush();
    expect(store.getState()).toMatchObject({ loaded: true, error: { code: 'network.unreachable' } });
    resync.forEach((fn) => fn());
    await flush();
    expect(store.getState()).toMatchObject({ error: null, byId: { '1': job('1') } });
  });

  it('ignores an older listing that answers after a newer one', async () => {
    const { f, store } = setup();
    f.script('jobs.list', 'pending');
    void store.getState().load();
    void store.getState().load();
    const older = f.takePending<{ items: Job[]; nextCursor: null }>();
    f.takePending<{ items: Job[]; nextCursor: null }>().resolve({ items: [job('new')], nextCursor: null });
    await flush();
    older.resolve({ items: [job('old')], nextCursor: null });
    await flush();
    expect(Object.keys(store.getState().byId)).toEqual(['new']);
  });

  it('lists older jobs page by page on request, and keeps them when the newest are listed again', async () => {
    const { f, store, start, resync } = setup();
    const at = (h: number) => `2026-12-01T${String(h).padStart(2, '0')}:00:00Z`;
    f.script(
      'jobs.list',
      { items: [job('5', { createdAt: at(5) }), job('4', { createdAt: at(4) })], nextCursor: 'c4' },
      { items: [job('3', { createdAt: at(3) }), job('2', { createdAt: at(2) })], nextCursor: 'c2' },
      { items: [job('6', { createdAt: at(6) }), job('5', { createdAt: at(5), state: 'succeeded' })], nextCursor: 'c5' },
      { items: [job('1', { createdAt: at(1) })], nextCursor: null },
    );
    start();
    await flush();
    expect(store.getState()).toMatchObject({ olderCursor: 'c4' });
    await store.getState().loadOlder();
    expect(f.callsOf('jobs.list').at(-1)!.input).toMatchObject({ cursor: 'c4' });
    expect(Object.keys(store.getState().byId).sort()).toEqual(['2', '3', '4', '5']);
    // A new listing (focus, reconnect) brings the newest; the older pages stay, and where to go on
    resync.forEach((fn) => fn());
    await flush();
    expect(Object.keys(store.getState().byId).sort()).toEqual(['2', '3', '4', '5', '6']);
    expect(store.getState().byId['5']!.state).toBe('succeeded');
    expect(store.getState().olderCursor).toBe('c2');
    await store.getState().loadOlder();
    expect(store.getState()).toMatchObject({ olderCursor: null, loadingOlder: false });
    expect(Object.keys(store.getState().byId)).toHaveLength(6);
  });

  it('keeps logs only of jobs being looked at, without losing entries logged while the log loads', async () => {
    const { f, store, start } = setup();
    f.script('jobs.list', { items: [job('1')], nextCursor: null });
    f.script('jobs.getLog', 'pending');
    start();
    f.emit('jobs.logged', { id: '1', entry: entry(0) });
    expect(store.getState().logs['1']).toBeUndefined();

    const loading = store.getState().loadLog('1');
    f.emit('jobs.logged', { id: '1', entry: entry(3) });
    f.takePending<{ items: JobLogEntry[] }>().resolve({ items: [entry(0), entry(1), entry(2)] });
    await loading;
    f.emit('jobs.logged', { id: '1', entry: entry(3) });
    f.emit('jobs.logged', { id: '1', entry: entry(4) });
    expect(store.getState().logs['1']!.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports a log that could not be read, and clears it once read', async () => {
    const { f, store } = setup();
    f.script('jobs.getLog', failure({ code: 'resource.notFound', message: 'No job 1.' }), { items: [entry(0)] });
    await store.getState().loadLog('1');
    expect(store.getState().logErrors['1']).toMatchObject({ code: 'resource.notFound' });
    await store.getState().loadLog('1');
    expect(store.getState().logErrors['1']).toBeUndefined();
    expect(store.getState().logs['1']).toEqual([entry(0)]);
  });

  it('stops following events when stopped', async () => {
    const { f, store, start, resync } = setup();
    f.script('jobs.list', { items: [], nextCursor: null });
    const stop = start();
    await flush();
    stop();
    f.emit('jobs.changed', job('1'));
    expect(store.getState().byId).toEqual({});
    expect(resync.size).toBe(0);
  });
});
