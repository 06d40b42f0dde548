import { create } from 'zustand';
import type { AppStatus, Settings } from '../../../shared/domain/app';
import type { ProviderView } from '../../../shared/domain/providers';
import { call, subscribe } from '../api/client';
import { RESYNC_EVENT } from '../api/transport';

interface AppState {
  status: AppStatus | null;
  settings: Settings | null;
  providers: ProviderView[];
  error: string | null;
  load(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  status: null,
  settings: null,
  providers: [],
  error: null,
  async load() {
    try {
      const [status, settings, providers] = await Promise.all([call('app.getStatus', {}), call('settings.get', {}), call('providers.list', {})]);
      set({ status, settings, providers: providers.items, error: null });
    } catch (e) {
      set({ error: (e as Error).message });
    }
  },
  async updateSettings(patch) {
    set({ settings: await call('settings.update', patch) });
  },
}));

let started = false;
export function startAppSync(): void {
  if (started) return;
  started = true;
  const reload = () => void useAppStore.getState().load();
  subscribe('catalog.changed', ({ tables }) => {
    if (tables.some((t) => t === 'providers' || t === 'settings')) reload();
  });
  window.addEventListener(RESYNC_EVENT, reload);
  reload();
}
