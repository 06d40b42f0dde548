import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../../shared/errors/app-error';
import type { Job, JobLogEntry } from '../../../shared/domain/jobs';
import type { BackstackApi } from '../../../shared/ipc/api';
import { api } from '../api/client';
import { asAppError, invokeOrThrow } from '../api/errors';
import { onWindow, RESYNC_EVENT } from '../api/transport';

export interface JobsState {
  byId: Record<string, Job>;
  logs: Record<string, JobLogEntry[]>;
  logErrors: Record<string, AppError>;
  loaded: boolean;
  error: AppError | null;
  /** where the next older page starts; null when every job is listed */
  olderCursor: string | null;
  loadingOlder: boolean;
  load(): Promise<void>;
  /** the next PAGE older jobs, added below those listed */
  loadOlder(): Promise<void>;
  loadLog(id: string): Promise<void>;
  /** the events that keep the projection current */
  jobChanged(job: Job): void;
  jobProgressed(id: string, progress: Job['progress']): void;
  jobLogged(id: string, entry: JobLogEntry): void;
}

/** Entries by seq, each once: an event and a listing may both carry the same entry. */
const mergeLog = (a: JobLogEntry[], b: JobLogEntry[]): JobLogEntry[] => {
  const bySeq = new Map<number, JobLogEntry>();
  for (const e of [...a, ...b]) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
};

/**
 * A projection of the core's jobs: listed once, then kept current by jobs.changed /
 * jobs.progressed / jobs.logged events; listed again on focus and after a reconnect.
 */
export const JOBS_PAGE = 500;

export function createJobsStore(source: BackstackApi): StoreApi<JobsState> {
  let latestList = 0;
  // Whether older pages were added to the first: a new listing keeps them.
  let loadedOlder = false;
  // Jobs changed by an event while a listing was in flight: the event is newer than the listing.
  let changedDuringList = new Map<string, Job>();
  return createStore<JobsState>((set, get) => ({
    byId: {},
    logs: {},
    logErrors: {},
    loaded: false,
    error: null,
    olderCursor: null,
    loadingOlder: false,
    async load() {
      const mine = ++latestList;
      changedDuringList = new Map();
      try {
        const { items, nextCursor } = await invokeOrThrow(source, 'jobs.list', { limit: JOBS_PAGE });
        if (mine !== latestList) return;
        const byId = Object.fromEntries(items.map((j) => [j.id, j]));
        // Older pages loaded before stay, with where the next one starts (events keep them current).
        const oldest = items.at(-1)?.createdAt;
        const older = loadedOlder && nextCursor && oldest ? Object.values(get().byId).filter((j) => j.createdAt < oldest) : [];
        for (const j of older) byId[j.id] ??= j;
        for (const [id, job] of changedDuringList) byId[id] = job;
        if (older.length === 0) loadedOlder = false;
        set({ byId, loaded: true, error: null, ...(loadedOlder ? {} : { olderCursor: nextCursor }) });
      } catch (e) {
        if (mine === latestList) set({ error: asAppError(e), loaded: true });
      }
    },
    async loadOlder() {
      const cursor = get().olderCursor;
      if (!cursor || get().loadingOlder) return;
      set({ loadingOlder: true });
      try {
        const { items, nextCursor } = await invokeOrThrow(source, 'jobs.list', { limit: JOBS_PAGE, cursor });
        loadedOlder = true;
        const byId = { ...get().byId };
        for (const j of items) byId[j.id] ??= j;
        set({ byId, olderCursor: nextCursor, loadingOlder: false, error: null });
      } catch (e) {
        set({ error: asAppError(e), loadingOlder: false });
      }
    },
    async loadLog(id) {
      // Watched from now on: entries logged while the listing travels are kept by the event handler.
      if (!get().logs[id]) set({ logs: { ...get().logs, [id]: [] } });
      try {
        const { items } = await invokeOrThrow(source, 'jobs.getLog', { id });
        const { [id]: _gone, ...logErrors } = get().logErrors;
        set({ logs: { ...get().logs, [id]: mergeLog(get().logs[id] ?? [], items) }, logErrors });
      } catch (e) {
        set({ logErrors: { ...get().logErrors, [id]: asAppError(e) } });
      }
    },
    jobChanged(job) {
      changedDuringList.set(job.id, job);
      set({ byId: { ...get().byId, [job.id]: job } });
    },
    jobProgressed(id, progress) {
      const job = get().byId[id];
      if (job) set({ byId: { ...get().byId, [id]: { ...job, progress } } });
    },
    jobLogged(id, entry) {
      const log = get().logs[id];
      // Only logs someone is looking at are kept; others load on demand.
      if (!log || log.some((e) => e.seq === entry.seq)) return;
      // Events arrive in order: appending is the usual case, merging the rare one.
      const next = (log.at(-1)?.seq ?? -1) < entry.seq ? [...log, entry] : mergeLog(log, [entry]);
      set({ logs: { ...get().logs, [id]: next } });
    },
  }));
}

/** Keeps a jobs store current from the API's events; returns the function that stops it. */
export function syncJobs(source: BackstackApi, store: StoreApi<JobsState>, onResync: (fn: () => void) => () => void): () => void {
  const offs = [
    source.on('jobs.changed', (job) => store.getState().jobChanged(job)),
    source.on('jobs.progressed', ({ id, progress }) => store.getState().jobProgressed(id, progress)),
    source.on('jobs.logged', ({ id, entry }) => store.getState().jobLogged(id, entry)),
    onResync(() => void store.getState().load()),
  ];
  void store.getState().load();
  return () => offs.forEach((off) => off());
}

const jobsStore = createJobsStore(api);
export const useJobsStore = <U>(select: (s: JobsState) => U): U => useStore(jobsStore, select);

let started = false;
export function startJobsSync(): void {
  if (started) return;
  started = true;
  syncJobs(api, jobsStore, (fn) => onWindow(['focus', RESYNC_EVENT], fn));
}
