import { IconPencil, IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { followJob, type Action } from '../../api/actions';
import { call } from '../../api/client';

/** Syncs each cloud given; one that could not start is named, the others still run. */
export const syncClouds: Action<ProviderView> = {
  id: 'sync',
  label: 'Sync',
  icon: <IconRefresh size={16} />,
  run: async (clouds) => {
    const started: string[] = [];
    const failed: string[] = [];
    for (const p of clouds) {
      try {
        started.push(followJob(await call('inventory.startSync', { providerId: p.id })));
      } catch (e) {
        failed.push(`${p.name}: ${(e as Error).message}`);
      }
    }
    if (failed.length) throw new Error(`Not started for ${failed.join('; ')}`);
    return clouds.length === 1 ? started[0]! : 'Follow them in Jobs; the lists refresh when they end.';
  },
  done: (clouds) => (clouds.length === 1 ? `Sync of ${clouds[0]!.name} started` : 'Inventory sync started'),
};

const testConnection: Action<ProviderView> = {
  id: 'test',
  label: 'Test connection',
  icon: <IconPlugConnected size={14} />,
  run: async ([p]) => {
    const t = await call('providers.retest', { id: p!.id });
    if (!t.ok) throw new Error(t.error?.message ?? 'The connection test failed.');
    return t.services.map((s) => `${s.type} ${s.maxMicroversion ?? ''}`.trim()).join(', ');
  },
  done: ([p]) => `Connection to ${p!.name} works`,
};

/** What removing a cloud does to its restore points, counted from the catalog (a failed count is said, not guessed). */
async function restorePointsNote(p: ProviderView): Promise<string> {
  let n: number;
  try {
    n = (await call('backups.list', { providerId: p.id })).items.length;
  } catch {
    return 'Its restore points, if any, stay in their destinations.';
  }
  if (n === 0) return 'No restore point of it is in the catalog.';
  const one = n === 1;
  return (
    `Its ${n} restore point${one ? '' : 's'} stay${one ? 's' : ''} in ${one ? 'its destination' : 'their destinations'} and in the catalog: nothing is deleted, ` +
    `and ${one ? 'its' : 'their'} disks can still be restored to files (backstack destination folder disk-restore). ${one ? 'It' : 'They'} can be restored as instances again ` +
    `once the same cloud (Keystone URL ${p.authUrl}, region ${p.region}) is added again. To change its credentials or certificate, edit it instead.`
  );
}

const removeCloud: Action<ProviderView> = {
  id: 'remove',
  label: 'Remove…',
  icon: <IconTrash size={14} />,
  danger: true,
  confirm: async ([p]) => ({
    title: `Remove "${p!.name}"?`,
    message: `Backstack forgets this cloud, its stored passwords, its inventory and its hypervisors' SSH settings. ${await restorePointsNote(p!)}`,
    confirmLabel: 'Remove',
  }),
  run: async ([p]) => (await call('providers.remove', { id: p!.id }), 'Its restore points stay in their destinations.'),
  done: ([p]) => `Removed ${p!.name}`,
};

/** The actions of a cloud's row; Edit opens the add-a-cloud wizard on the saved cloud. */
export const providerActions = (edit: (p: ProviderView) => void): Action<ProviderView>[] => [
  { id: 'edit', label: 'Edit…', icon: <IconPencil size={14} />, open: ([p]) => edit(p!) },
  { ...syncClouds, label: 'Sync inventory now', icon: <IconRefresh size={14} /> },
  testConnection,
  removeCloud,
];
