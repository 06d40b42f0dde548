import { create } from 'zustand';
import type { AppStatus, Settings } from '../../../shared/domain/app';
import type { ProviderView } from '../../../shared/domain/providers';
import { call } from '../api/client';
import { queries } from '../api/queries';
import type { Query } from '../api/query';

interface AppState {
  status: AppStatus | null;
  settings: Settings | null;
  providers: ProviderView[];
  /** why the app's status, settings or clouds could not be read; shown in the header */
  error: string | null;
  updateSettings(patch: Partial<Settings>): Promise<void>;
}

/**
 * What the whole app reads (status, settings, clouds), kept in a store because code outside
 * React reads it too (notifications). Loaded and reloaded by the query core, not by hand.
 */
export const useAppStore = create<AppState>((set) => ({
  status: null,
  settings: null,
  providers: [],
  error: null,
  async updateSettings(patch) {
    // Shown at once; the settings query reloads on the change event that follows.
    set({ settings: await call('settings.update', patch) });
  },
}));

let started = false;
export function startAppSync(): void {
  if (started) return;
  started = true;
  const status = queries.request('app.getStatus', {}, ['providers', 'settings']);
  const settings = queries.request('settings.get', {}, ['settings']);
  const providers = queries.request('providers.list', {}, ['providers']);
  const all: Query<unknown>[] = [status, settings, providers];
  const follow = <T>(q: Query<T>, apply: (data: T) => Partial<AppState>) => {
    let last: T | undefined;
    q.subscribe(() => {
      const { data } = q.getSnapshot();
      // Only data a load brought in is copied: a reload starting must not undo what updateSettings set.
      if (data !== undefined && data !== last) useAppStore.setState(apply((last = data)));
      const error = all.map((x) => x.getSnapshot().error).find((e) => e !== null);
      useAppStore.setState({ error: error ? error.message : null });
    });
  };
  follow(status, (s) => ({ status: s }));
  follow(settings, (s) => ({ settings: s }));
  follow(providers, (p) => ({ providers: p.items }));
}
