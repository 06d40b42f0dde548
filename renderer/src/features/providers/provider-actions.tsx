import { IconPlugConnected, IconRefresh, IconTrash } from '@tabler/icons-react';
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

const removeCloud: Action<ProviderView> = {
  id: 'remove',
  label: 'Remove…',
  icon: <IconTrash size={14} />,
  danger: true,
  confirm: ([p]) => ({
    title: `Remove "${p!.name}"?`,
    message: 'Backstack forgets this cloud, its stored passwords and its inventory. Backups already taken stay in their destinations.',
    confirmLabel: 'Remove',
  }),
  run: async ([p]) => (await call('providers.remove', { id: p!.id }), 'Its backups stay in their destinations.'),
  done: ([p]) => `Removed ${p!.name}`,
};

export const providerActions: Action<ProviderView>[] = [
  { ...syncClouds, label: 'Sync inventory now', icon: <IconRefresh size={14} /> },
  testConnection,
  removeCloud,
];
