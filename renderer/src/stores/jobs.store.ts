import { create } from 'zustand';
import type { Job, JobLogEntry } from '../../../shared/domain/jobs';
import { call, subscribe } from '../api/client';
import { RESYNC_EVENT } from '../api/transport';

interface JobsState {
  byId: Record<string, Job>;
  logs: Record<string, JobLogEntry[]>;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  loadLog(id: string): Promise<void>;
}

/**
 * A projection of the core's jobs: listed once, then kept current by jobs.changed /
 * jobs.progressed / jobs.logged events; listed again on focus and after a reconnect.
 */
export const useJobsStore = create<JobsState>((set, get) => ({
  byId: {},
  logs: {},
  loaded: false,
  error: null,
  async load() {
    try {
      const { items } = await call('jobs.list', { limit: 500 });
      set({ byId: Object.fromEntries(items.map((j) => [j.id, j])), loaded: true, error: null });
    } catch (e) {
      set({ error: (e as Error).message, loaded: true });
    }
  },
  async loadLog(id) {
    const { items } = await call('jobs.getLog', { id });
    set({ logs: { ...get().logs, [id]: items } });
  },
}));

let started = false;
export function startJobsSync(): void {
  if (started) return;
  started = true;
  const s = useJobsStore;
  subscribe('jobs.changed', (job) => s.setState((st) => ({ byId: { ...st.byId, [job.id]: job } })));
  subscribe('jobs.progressed', ({ id, progress }) =>
    s.setState((st) => {
      const job = st.byId[id];
      return job ? { byId: { ...st.byId, [id]: { ...job, progress } } } : {};
    }),
  );
  subscribe('jobs.logged', ({ id, entry }) =>
    s.setState((st) => {
      const log = st.logs[id];
      // Only logs someone is looking at are kept; others load on demand.
      return log && !log.some((e) => e.seq === entry.seq) ? { logs: { ...st.logs, [id]: [...log, entry] } } : {};
    }),
  );
  const resync = () => void s.getState().load();
  window.addEventListener('focus', resync);
  window.addEventListener(RESYNC_EVENT, resync);
  resync();
}
