import { create } from 'zustand';
import type { OutputOf } from '../../../shared/ipc/contract';

export type InstanceRow = OutputOf<'inventory.listInstances'>['items'][number];
export type TreeNode = { kind: 'provider' | 'domain' | 'project'; providerId: string; id: string; name: string };

interface InventoryState {
  /** the tree node that scopes the table; null = every cloud */
  scope: TreeNode | null;
  setScope(n: TreeNode | null): void;
}

/** What the inventory screen is scoped to; the instances themselves are a query (useInstances). */
export const useInventoryStore = create<InventoryState>((set) => ({
  scope: null,
  setScope: (scope) => set({ scope }),
}));

export function inScope(i: InstanceRow, scope: TreeNode | null): boolean {
  if (!scope) return true;
  if (i.providerId !== scope.providerId) return false;
  if (scope.kind === 'domain') return i.domainId === scope.id;
  if (scope.kind === 'project') return i.projectId === scope.id;
  return true;
}
