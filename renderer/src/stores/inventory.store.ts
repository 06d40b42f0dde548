import { create } from 'zustand';
import type { OutputOf } from '../../../shared/ipc/contract';
import { call, subscribe } from '../api/client';

export type InstanceRow = OutputOf<'inventory.listInstances'>['items'][number];
export type TreeNode = { kind: 'provider' | 'domain' | 'project'; providerId: string; id: string; name: string };

interface InventoryState {
  instances: InstanceRow[];
  loaded: boolean;
  error: string | null;
  /** the tree node that scopes the table; null = every cloud */
  scope: TreeNode | null;
  load(): Promise<void>;
  setScope(n: TreeNode | null): void;
}

/** All instances of every cloud, filtered in the table: one request, then client-side search over 10,000+ rows. */
export const useInventoryStore = create<InventoryState>((set, get) => ({
  instances: [],
  loaded: false,
  error: null,
  scope: null,
  async load() {
    try {
      const { items } = await call('inventory.listInstances', {});
      set({ instances: items, loaded: true, error: null });
    } catch (e) {
      set({ error: (e as Error).message, loaded: true });
    }
  },
  setScope(scope) {
    set({ scope });
    if (!get().loaded) void get().load();
  },
}));

let started = false;
export function startInventorySync(): void {
  if (started) return;
  started = true;
  subscribe('catalog.changed', ({ tables }) => {
    if (tables.includes('inventory') || tables.includes('providers')) void useInventoryStore.getState().load();
  });
  void useInventoryStore.getState().load();
}

export function inScope(i: InstanceRow, scope: TreeNode | null): boolean {
  if (!scope) return true;
  if (i.providerId !== scope.providerId) return false;
  if (scope.kind === 'domain') return i.domainId === scope.id;
  if (scope.kind === 'project') return i.projectId === scope.id;
  return true;
}
