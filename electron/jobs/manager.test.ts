import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors/codes';
import type { Job } from '../../shared/domain/jobs';
import { JobsTable, openCatalog, type Catalog } from '../catalog';
import { EventBus } from '../lib/events';
import { processIdentity } from '../lib/process-identity';
import { JobManager } from './manager';
import type { JobKind } from './types';

let catalog: Catalog;
let table: JobsTable;
let bus: EventBus;
let limit = 2;

// The manager is exercised with a real kind's parameters (kinds are a closed set in shared/domain/jobs.ts).
const kind = (run: JobKind<'inventory.sync'>['run'], extra: Partial<JobKind<'inventory.sync'>> = {}): JobKind<'inventory.sync'> => ({
  kind: 'inventory.sync',
  describeTarget: (p) => p.providerId,
  run,
  ...extra,
});
const manager = (opts: Partial<ConstructorParameters<typeof JobManager>[0]> = {}) =>
  new JobManager({ table, bus, maxConcurrent: () => limit, backoffMs: () => 1, ...opts });

/** A promise the test resolves by hand, to hold a job in "running". */
const gate = () => {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
};

beforeEach(() => {
  catalog = openCatalog(':memory:');
  bus = new EventBus();
  table = new JobsTable(catalog.db, (tables) => bus.emit('catalog.changed', { tables }));
  limit = 2;
});
afterEach(() => catalog.close());

describe('JobManager', () => {
  it('runs a job to success, with its log, progress and summary persisted', async () => {
    const m = manager();
    m.register(
      kind(async (ctx) => {
        ctx.log('info', `hello ${ctx.params.providerId}`);
        ctx.progress({ phase: 'copying', bytesDone: 50, bytesTotal: 100 });
        ctx.progress({ bytesDone: 100 });
        return { summary: 'copied 100 bytes' };
      }),
    );
    const job = m.enqueue('inventory.sync', { providerId: 'vm-1' });
    await m.whenIdle();
    const done = m.get(job.id);
    expect(done).toMatchObject({ state: 'succeeded', target: 'vm-1', summary: 'copied 100 bytes', progress: { phase: 'copying', bytesDone: 100 } });
    expect(table.listLog(job.id, -1, 10).map((e) => e.message)).toEqual(['hello vm-1']);
  });

  it('tells whether a job runs by the tag of its id that hypervisor snapshots carry', async () => {
    const m = manager();
    const g = gate();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    m.register(kind(async () => (started(), g.p)));
    const job = m.enqueue('inventory.sync', { providerId: 'vm-1' });
    await running;
    const tag = job.id.replace(/-/g, '').slice(0, 8);
    expect(m.isRunning(tag)).toBe(true);
    expect(m.isRunning('')).toBe(false);
    // a job of another live process on this catalog counts too; one of a dead process does not
    table.insert({ ...table.get(job.id)!, id: 'abcdef01-2222-3333-4444-555555555555', state: 'running', owner: processIdentity(process.ppid) });
    table.insert({ ...table.get(job.id)!, id: 'dead0001-2222-3333-4444-555555555555', state: 'running', owner: '999999999:1' });
    expect(m.isRunning('abcdef01')).toBe(true);
    expect(m.isRunning('dead0001')).toBe(false);
    g.open();
    await m.whenIdle();
    expect(m.isRunning(tag)).toBe(false);
  });

  it('takes only declared kinds with their declared parameters (a compile error, and refused at run time)', () => {
    const m = manager();
    m.register(kind(async () => undefined));
    // @ts-expect-error: not a job kind
    expect(() => m.enqueue('no.such.kind', {})).toThrow(/No job of kind "no.such.kind"/);
    // @ts-expect-error: a mistyped parameter
    expect(() => m.enqueue('inventory.sync', { providerID: 'p' })).toThrow(/Invalid parameters for inventory.sync/);
    expect(table.list({ limit: 10 }).items).toEqual([]);
  });

  it('ends in "warning" when the job logged a warning', async () => {
    const m = manager();
    m.register(kind(async (ctx) => ctx.log('warn', 'disk vdb excluded')));
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(m.get(job.id).state).toBe('warning');
  });

  it('fails with the error a person can act on', async () => {
    const m = manager();
    m.register(kind(async () => Promise.reject(new AppError('auth.failed', 'Keystone rejected the password of admin.'))));
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(m.get(job.id)).toMatchObject({ state: 'failed', error: { code: 'auth.failed', message: 'Keystone rejected the password of admin.' } });
  });

  it('retries retryable errors with backoff, up to maxAttempts, and then succeeds', async () => {
    const delays: number[] = [];
    const m = manager({ backoffMs: (a) => (delays.push(a), 1) });
    let calls = 0;
    m.register(
      kind(
        async () => {
          calls++;
          if (calls < 3) throw new AppError('network.unreachable', 'Nova answered 503.', { retryable: true });
        },
        { maxAttempts: 3 },
      ),
    );
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(calls).toBe(3);
    expect(delays).toEqual([2, 3]);
    // The retries' warnings stay in the log, so the end state is "warning", not a silent success.
    expect(m.get(job.id)).toMatchObject({ state: 'warning', attempt: 3 });
  });

  it('does not retry errors that are not retryable', async () => {
    const m = manager();
    let calls = 0;
    m.register(kind(async () => { calls++; throw new AppError('auth.failed', 'no'); }, { maxAttempts: 5 }));
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(calls).toBe(1);
    expect(m.get(job.id).state).toBe('failed');
  });

  it('cancels a running job through its AbortSignal', async () => {
    const m = manager();
    const started = gate();
    m.register(
      kind(
        (ctx) =>
          new Promise((_resolve, reject) => {
            started.open();
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          }),
      ),
    );
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await started.p;
    expect(m.get(job.id).state).toBe('running');
    m.cancel(job.id);
    await m.whenIdle();
    expect(m.get(job.id).state).toBe('cancelled');
  });

  it('respects the concurrency limit and cancels queued jobs without running them', async () => {
    limit = 1;
    const m = manager();
    const release = gate();
    const ran: string[] = [];
    m.register(
      kind(async (ctx) => {
        ran.push(ctx.params.providerId);
        await release.p;
      }),
    );
    const a = m.enqueue('inventory.sync', { providerId: 'a' });
    const b = m.enqueue('inventory.sync', { providerId: 'b' });
    const c = m.enqueue('inventory.sync', { providerId: 'c' });
    expect([m.get(a.id).state, m.get(b.id).state, m.get(c.id).state]).toEqual(['running', 'queued', 'queued']);
    m.cancel(b.id);
    release.open();
    await m.whenIdle();
    expect(ran).toEqual(['a', 'c']);
    expect(m.get(b.id).state).toBe('cancelled');
  });

  it('marks jobs left running by a crashed process as interrupted, and leaves a live process alone', async () => {
    const base = { kind: 'inventory.sync' as const, target: 't', params: {}, progress: { phase: 'copying', bytesDone: 1, bytesTotal: 2, rate: null, etaSeconds: null }, attempt: 1, maxAttempts: 1, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, error: null, summary: null, cancelRequested: false };
    table.insert({ ...base, id: 'crashed', state: 'running', owner: '999999999:1' });
    table.insert({ ...base, id: 'alive', state: 'running', owner: `${process.ppid}:na` });
    const m = manager({ owner: 'me:1' });
    expect(m.recoverInterrupted()).toHaveLength(1);
    expect(m.get('crashed')).toMatchObject({ state: 'interrupted', error: { retryable: true } });
    expect(m.get('alive').state).toBe('running');
  });

  it('publishes state changes and throttled progress as events', async () => {
    const changes: Job['state'][] = [];
    let progressEvents = 0;
    bus.on('jobs.changed', (j) => changes.push(j.state));
    bus.on('jobs.progressed', () => progressEvents++);
    let t = 0;
    const m = manager({ now: () => t });
    m.register(
      kind(async (ctx) => {
        for (let i = 1; i <= 100; i++) {
          t += 10; // 100 reports over one second
          ctx.progress({ phase: 'copying', bytesDone: i, bytesTotal: 100 });
        }
      }),
    );
    m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(changes).toEqual(['queued', 'running', 'succeeded']);
    expect(progressEvents).toBeGreaterThanOrEqual(4);
    expect(progressEvents).toBeLessThanOrEqual(7);
  });

  it('publishes the last report of a burst a little later, so a job that then goes quiet shows where it is', async () => {
    const m = manager();
    const hold = gate();
    m.register(
      kind(async (ctx) => {
        ctx.progress({ phase: 'Writing disk vda', bytesDone: 0, bytesTotal: 100 });
        ctx.progress({ bytesDone: 60 }); // held back: too soon after the first
        await hold.p; // a long quiet step
      }),
    );
    const seen = new Promise<number>((resolve) => bus.on('jobs.progressed', ({ progress }) => progress.bytesDone === 60 && resolve(progress.bytesDone)));
    m.enqueue('inventory.sync', { providerId: 'x' });
    expect(await seen).toBe(60);
    hold.open();
    await m.whenIdle();
  });

  it('retries a failed job as a new job with the same parameters', async () => {
    const m = manager();
    let fail = true;
    m.register(kind(async () => { if (fail) throw new AppError('resource.conflict', 'exists'); }));
    const first = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    fail = false;
    const second = m.retry(first.id);
    await m.whenIdle();
    expect(second.id).not.toBe(first.id);
    expect(m.get(second.id)).toMatchObject({ state: 'succeeded', target: 'x' });
    expect(() => m.retry(second.id)).toThrow(/only failed/);
  });

  it('does not retry a job that did its work with warnings', async () => {
    const m = manager();
    m.register(kind(async (ctx) => ctx.log('warn', 'one project could not be listed')));
    const job = m.enqueue('inventory.sync', { providerId: 'x' });
    await m.whenIdle();
    expect(m.get(job.id).state).toBe('warning');
    expect(() => m.retry(job.id)).toThrow(/only failed, cancelled or interrupted/);
  });
});
