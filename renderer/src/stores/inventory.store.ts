import { create } from 'zustand';
import type { OutputOf } from '../../../shared/ipc/contract';

export type InstanceRow = OutputOf<'inventory.listInstances'>['items'][number];
export type TreeNode = { kind: 'provider' | 'domain' | 'project'; providerId: string; id: string; name: string };

interface InventoryState {
  /** the tree node that scopes the table; null = every cloud */
  scope: TreeNode | null;
  setScope(n: TreeNode | null): void;
}

/** What the inventory screen is scoped to; the instances and volumes themselves are queries (useInstances, useVolumes). */
export const useInventoryStore = create<InventoryState>((set) => ({
  scope: null,
  setScope: (scope) => set({ scope }),
}));

/** Whether an instance (or a volume) is under the tree node. */
export function inScope(i: { providerId: string; domainId: string | null; projectId: string | null }, scope: TreeNode | null): boolean {
  if (!scope) return true;
  if (i.providerId !== scope.providerId) return false;
  if (scope.kind === 'domain') return i.domainId === scope.id;
  if (scope.kind === 'project') return i.projectId === scope.id;
  return true;
}
