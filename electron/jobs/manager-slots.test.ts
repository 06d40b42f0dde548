import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsTable, openCatalog, type Catalog } from '../catalog';
import { EventBus } from '../lib/events';
import { JobManager } from './manager';
import type { JobKind } from './types';

let catalog: Catalog;
let table: JobsTable;
beforeEach(() => {
  catalog = openCatalog(':memory:');
  table = new JobsTable(catalog.db, () => undefined);
});
afterEach(() => catalog.close());

/** Jobs that hold a slot named after their "provider" until the test lets them go. */
function harness(opts: { limit: number; slotLimit?: (s: string) => number | undefined; now?: () => number; notAfter?: string }) {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const m = new JobManager({ table, bus: new EventBus(), maxConcurrent: () => opts.limit, ...(opts.slotLimit ? { slotLimit: opts.slotLimit } : {}), ...(opts.now ? { now: opts.now } : {}) });
  const k: JobKind<'inventory.sync'> = {
    kind: 'inventory.sync',
    describeTarget: (p) => p.providerId,
    slots: (p) => [`host:${p.providerId.split('/')[0]}`],
    ...(opts.notAfter ? { notAfter: () => opts.notAfter } : {}),
    run: (ctx) =>
      new Promise<void>((resolve) => {
        started.push(ctx.params.providerId);
        gates.set(ctx.params.providerId, resolve);
      }),
  };
  m.register(k);
  return { m, started, release: (id: string) => gates.get(id)?.() };
}

describe('JobManager slots and start windows', () => {
  it('runs at most N jobs per slot and lets others through meanwhile', async () => {
    const h = harness({ limit: 4, slotLimit: (s) => (s.startsWith('host:') ? 1 : undefined) });
    for (const id of ['h1/a', 'h1/b', 'h2/c']) h.m.enqueue('inventory.sync', { providerId: id });
    await new Promise((r) => setImmediate(r));
    expect(h.started).toEqual(['h1/a', 'h2/c']); // h1/b waits for host h1
    h.release('h1/a');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(h.started).toEqual(['h1/a', 'h2/c', 'h1/b']);
    h.release('h1/b');
    h.release('h2/c');
    await h.m.whenIdle();
  });

  it('does not start a job whose start window closed while it waited, and says so', async () => {
    let now = Date.parse('2026-12-03T01:00:00Z');
    const h = harness({ limit: 1, now: () => now, notAfter: '2026-12-03T02:00:00Z' });
    const first = h.m.enqueue('inventory.sync', { providerId: 'h1/a' });
    const second = h.m.enqueue('inventory.sync', { providerId: 'h1/b' });
    await new Promise((r) => setImmediate(r));
    now = Date.parse('2026-12-03T02:30:00Z'); // the first backup ran past the window's end
    h.release('h1/a');
    await h.m.whenIdle();
    expect(h.started).toEqual(['h1/a']);
    expect(h.m.get(first.id).state).toBe('succeeded');
    expect(h.m.get(second.id)).toMatchObject({ state: 'cancelled', summary: expect.stringMatching(/start window closed/) });
    expect(table.listLog(second.id, -1, 10).map((e) => e.message).join('\n')).toMatch(/window closed at 2026-12-03T02:00:00Z/);
  });
});
