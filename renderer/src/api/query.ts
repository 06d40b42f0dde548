import type { AppError } from '../../../shared/errors/app-error';
import type { CatalogTable } from '../../../shared/domain/app';
import type { BackstackApi } from '../../../shared/ipc/api';
import type { InputOf, OutputOf, RequestName } from '../../../shared/ipc/contract';
import { asAppError, invokeOrThrow } from './errors';

/**
 * The query core: a read of the core that reloads when a catalog table it depends on changes.
 * Framework-free (subscribe / getSnapshot), so React reads it through useSyncExternalStore and
 * tests drive it with a fake API.
 */
export interface QueryState<T> {
  /** the last value loaded; kept while a reload runs and after a failed one */
  readonly data: T | undefined;
  /** the last load's error; cleared by the next successful load */
  readonly error: AppError | null;
  readonly loading: boolean;
}

export interface Query<T> {
  /** The first subscriber starts loading and watching the tables; the last one to leave stops watching. */
  subscribe(listener: () => void): () => void;
  getSnapshot(): QueryState<T>;
  /** Loads again now; resolves when this load has been applied or superseded. */
  reload(): Promise<void>;
}

export type Caller = <N extends RequestName>(name: N, input: InputOf<N>) => Promise<OutputOf<N>>;

/** A read made of several requests (a total over destinations …), declared once at module level. */
export interface QueryDef<I, T> {
  readonly id: string;
  load(call: Caller, input: I): Promise<T>;
}
export const defineQuery = <I, T>(id: string, load: (call: Caller, input: I) => Promise<T>): QueryDef<I, T> => ({ id, load });

export interface QueryClient {
  /** The query for a request and input; the same object for the same request and input. */
  request<N extends RequestName>(name: N, input: InputOf<N>, tables: readonly CatalogTable[]): Query<OutputOf<N>>;
  custom<I, T>(def: QueryDef<I, T>, input: I, tables: readonly CatalogTable[]): Query<T>;
}

export interface QueryClientOptions {
  /** when events may have been missed (a reconnect): watched queries load again */
  onResync?: (fn: () => void) => () => void;
  /** how many unwatched queries keep their last data, so coming back to a page shows it at once */
  keepIdle?: number;
}

const IDLE: QueryState<never> = { data: undefined, error: null, loading: false };

/** A query that never loads: for a hook whose input is not known yet. */
export const idleQuery: Query<never> = { subscribe: () => () => undefined, getSnapshot: () => IDLE, reload: () => Promise.resolve() };

/** JSON with sorted keys: the same input written in another order is the same query. */
export function stableKey(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

interface Entry {
  query: Query<unknown>;
  tables: Set<CatalogTable>;
  watched(): boolean;
}

export function createQueryClient(api: BackstackApi, opts: QueryClientOptions = {}): QueryClient {
  const keepIdle = opts.keepIdle ?? 50;
  const call: Caller = (name, input) => invokeOrThrow(api, name, input);
  const entries = new Map<string, Entry>();

  // Unwatched queries beyond keepIdle are forgotten, the longest unwatched first (Map order).
  const touch = (key: string, e: Entry) => {
    entries.delete(key);
    entries.set(key, e);
    let idle = [...entries.values()].filter((x) => !x.watched()).length;
    for (const [k, x] of entries) {
      if (idle <= keepIdle) break;
      if (!x.watched() && k !== key) {
        entries.delete(k);
        idle--;
      }
    }
  };

  const get = <T>(key: string, load: () => Promise<T>, tables: readonly CatalogTable[]): Query<T> => {
    const found = entries.get(key);
    if (found) {
      for (const t of tables) found.tables.add(t);
      return found.query as Query<T>;
    }
    const entry = makeEntry(load, new Set(tables), api, opts.onResync, () => touch(key, entry));
    entries.set(key, entry);
    return entry.query as Query<T>;
  };

  return {
    request: (name, input, tables) => get(`${name} ${stableKey(input)}`, () => call(name, input), tables),
    custom: (def, input, tables) => get(`${def.id} ${stableKey(input)}`, () => def.load(call, input), tables),
  };
}

function makeEntry<T>(
  load: () => Promise<T>,
  tables: Set<CatalogTable>,
  api: BackstackApi,
  onResync: QueryClientOptions['onResync'],
  onIdle: () => void,
): Entry {
  let state: QueryState<T> = IDLE;
  const listeners = new Set<() => void>();
  let latest = 0;
  // True until a load succeeds, and again whenever nobody watched (change events may have been missed).
  let stale = true;
  let stopWatching: (() => void) | null = null;

  const set = (next: QueryState<T>) => {
    state = next;
    for (const l of [...listeners]) l();
  };

  const reload = async (): Promise<void> => {
    const mine = ++latest;
    if (!state.loading) set({ ...state, loading: true });
    try {
      const data = await load();
      // A slower, older request never overwrites a newer one.
      if (mine !== latest) return;
      stale = false;
      set({ data, error: null, loading: false });
    } catch (e) {
      if (mine !== latest) return;
      set({ data: state.data, error: asAppError(e), loading: false });
    }
  };

  const watch = () => {
    const offChanged = api.on('catalog.changed', (p) => {
      if (p.tables.some((t) => tables.has(t))) void reload();
    });
    const offResync = onResync?.(() => void reload());
    stopWatching = () => {
      offChanged();
      offResync?.();
    };
    // A load still in flight (StrictMode subscribes twice) is not started again.
    if (stale && !state.loading) void reload();
  };

  const query: Query<T> = {
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) watch();
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        stopWatching?.();
        stopWatching = null;
        stale = true;
        onIdle();
      };
    },
    getSnapshot: () => state,
    reload,
  };
  return { query: query as Query<unknown>, tables, watched: () => listeners.size > 0 };
}
