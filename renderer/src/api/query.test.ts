import { describe, expect, it } from 'vitest';
import type { DestinationView } from '../../../shared/domain/destinations';
import { createQueryClient, defineQuery, stableKey } from './query';
import { failure, fakeApi, flush } from './testing/fake-api';

const dest = (id: string): DestinationView => ({
  id,
  name: id,
  path: `/srv/${id}`,
  encrypted: false,
  isDefault: false,
  createdAt: '2026-12-01T00:00:00Z',
  gcSchedule: null,
  nextGcAt: null,
});

/** Subscribes like a mounted component and records what it would have rendered. */
function watch<T>(q: { subscribe(l: () => void): () => void; getSnapshot(): T }) {
  const seen: T[] = [];
  const stop = q.subscribe(() => seen.push(q.getSnapshot()));
  return { seen, stop };
}

describe('query core', () => {
  it('loads when first watched, not before, and reports loading then data', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [dest('a')] });
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    expect(f.calls).toHaveLength(0);
    expect(q.getSnapshot()).toEqual({ data: undefined, error: null, loading: false });
    const w = watch(q);
    expect(q.getSnapshot().loading).toBe(true);
    await flush();
    expect(q.getSnapshot()).toEqual({ data: { items: [dest('a')] }, error: null, loading: false });
    expect(w.seen.map((s) => s.loading)).toEqual([true, false]);
  });

  it('reloads when one of its tables changes, keeping the previous data while it reloads', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [dest('a')] }, 'pending');
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    watch(q);
    await flush();
    f.emit('catalog.changed', { tables: ['jobs'] });
    expect(f.callsOf('destinations.list')).toHaveLength(1);
    f.emit('catalog.changed', { tables: ['backups', 'destinations'] });
    expect(f.callsOf('destinations.list')).toHaveLength(2);
    expect(q.getSnapshot()).toMatchObject({ data: { items: [dest('a')] }, loading: true });
    f.takePending().resolve({ items: [dest('a'), dest('b')] });
    await flush();
    expect(q.getSnapshot()).toMatchObject({ data: { items: [dest('a'), dest('b')] }, loading: false });
  });

  it('reports an error as an AppError, keeps the data it had, and clears the error on the next success', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [dest('a')] }, failure({ code: 'network.unreachable', message: 'down', requestId: 'req-1' }), {
      items: [],
    });
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    watch(q);
    await flush();
    await q.reload();
    expect(q.getSnapshot().data).toEqual({ items: [dest('a')] });
    expect(q.getSnapshot().error).toMatchObject({ code: 'network.unreachable', message: 'down', requestId: 'req-1' });
    await q.reload();
    expect(q.getSnapshot()).toEqual({ data: { items: [] }, error: null, loading: false });
  });

  it('ignores a slow older response that arrives after a newer one', async () => {
    const f = fakeApi();
    f.script('destinations.list', 'pending');
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    watch(q);
    void q.reload();
    const older = f.takePending<{ items: DestinationView[] }>();
    const newer = f.takePending<{ items: DestinationView[] }>();
    newer.resolve({ items: [dest('new')] });
    await flush();
    older.resolve({ items: [dest('old')] });
    await flush();
    expect(q.getSnapshot()).toMatchObject({ data: { items: [dest('new')] }, loading: false });
    // An older failure does not hide a newer success either.
    void q.reload();
    void q.reload();
    const failing = f.takePending();
    f.takePending<{ items: DestinationView[] }>().resolve({ items: [] });
    await flush();
    failing.fail({ message: 'late' });
    await flush();
    expect(q.getSnapshot()).toEqual({ data: { items: [] }, error: null, loading: false });
  });

  it('stops listening when its last watcher leaves, and reloads when watched again', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [dest('a')] }, { items: [dest('b')] });
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    const one = watch(q);
    const two = watch(q);
    await flush();
    expect(f.listenerCount('catalog.changed')).toBe(1);
    one.stop();
    expect(f.listenerCount('catalog.changed')).toBe(1);
    two.stop();
    expect(f.listenerCount('catalog.changed')).toBe(0);
    f.emit('catalog.changed', { tables: ['destinations'] });
    expect(f.callsOf('destinations.list')).toHaveLength(1);
    // Changes may have been missed meanwhile: watched again, the cached data shows while it loads again.
    watch(q);
    expect(q.getSnapshot()).toMatchObject({ data: { items: [dest('a')] }, loading: true });
    await flush();
    expect(q.getSnapshot().data).toEqual({ items: [dest('b')] });
  });

  it('does not load twice when watched, left and watched again while the first load runs (StrictMode)', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [] });
    const q = createQueryClient(f.api).request('destinations.list', {}, ['destinations']);
    watch(q).stop();
    watch(q);
    await flush();
    expect(f.callsOf('destinations.list')).toHaveLength(1);
  });

  it('hands out one query per request and input, whatever the order of the input keys', () => {
    const f = fakeApi();
    const c = createQueryClient(f.api);
    const a = c.request('backups.list', { resourceId: 'i-1', destinationId: 'd' }, ['backups']);
    expect(c.request('backups.list', { destinationId: 'd', resourceId: 'i-1' }, ['backups'])).toBe(a);
    expect(c.request('backups.list', { resourceId: 'i-2' }, ['backups'])).not.toBe(a);
    expect(stableKey({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('reloads on a resync (reconnect) while watched', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [] });
    const resync = new Set<() => void>();
    const q = createQueryClient(f.api, {
      onResync: (fn) => (resync.add(fn), () => resync.delete(fn)),
    }).request('destinations.list', {}, ['destinations']);
    const w = watch(q);
    await flush();
    resync.forEach((fn) => fn());
    expect(f.callsOf('destinations.list')).toHaveLength(2);
    w.stop();
    expect(resync.size).toBe(0);
  });

  it('runs a query made of several requests, declared once', async () => {
    const f = fakeApi();
    f.script('destinations.list', { items: [dest('a'), dest('b')] });
    f.script('destinations.getStats', failure({ message: 'not reachable' }));
    const names = defineQuery('test.names', async (call, prefix: string) => {
      const { items } = await call('destinations.list', {});
      return items.map((d) => prefix + d.name);
    });
    const q = createQueryClient(f.api).custom(names, '>', ['destinations']);
    watch(q);
    await flush();
    expect(q.getSnapshot().data).toEqual(['>a', '>b']);
  });

  it('forgets the longest-unwatched queries beyond keepIdle', async () => {
    const f = fakeApi();
    f.script('backups.list', { items: [] });
    const c = createQueryClient(f.api, { keepIdle: 1 });
    const first = c.request('backups.list', { resourceId: '1' }, ['backups']);
    watch(first).stop();
    watch(c.request('backups.list', { resourceId: '2' }, ['backups'])).stop();
    await flush();
    expect(c.request('backups.list', { resourceId: '1' }, ['backups'])).not.toBe(first);
  });
});
