import { useMemo } from 'react';
import type { AppError } from '../../../../shared/errors/app-error';
import { defineQuery } from '../../api/query';
import { useQuery } from '../../api/useQuery';
import { useAppStore } from '../../stores/app.store';
import { inScope, useInventoryStore } from '../../stores/inventory.store';
import { useInstances } from './useInstances';
import { volumeRows, type CloudVolumes, type VolumeRow } from './volume-rows';

interface Input {
  clouds: { id: string; name: string }[];
  projectId?: string;
}

/** The volumes, projects and restore points of each cloud in scope: the inventory lists volumes one cloud at a time. */
const cloudVolumes = defineQuery('inventory.volumes', async (call, input: Input): Promise<CloudVolumes[]> =>
  Promise.all(
    input.clouds.map(async ({ id: providerId, name: providerName }) => {
      const [volumes, projects, backups] = await Promise.all([
        call('inventory.listResources', { providerId, kind: 'volume', ...(input.projectId ? { projectId: input.projectId } : {}) }),
        call('inventory.listResources', { providerId, kind: 'project' }),
        call('backups.list', { providerId }),
      ]);
      return { providerId, providerName, volumes: volumes.items, projects: projects.items, backups: backups.items };
    }),
  ),
);

/** The volumes under the tree's selected node (every cloud's when none), with the instances they are attached to named. */
export function useVolumes(): { rows: VolumeRow[] | undefined; error: AppError | null; loading: boolean; reload: () => void } {
  const providers = useAppStore((s) => s.providers);
  const scope = useInventoryStore((s) => s.scope);
  const input = useMemo<Input>(
    () => ({
      clouds: providers.filter((p) => !scope || p.id === scope.providerId).map((p) => ({ id: p.id, name: p.name })),
      ...(scope?.kind === 'project' ? { projectId: scope.id } : {}),
    }),
    [providers, scope],
  );
  const q = useQuery(cloudVolumes, input, { tables: ['inventory', 'backups', 'providers'] });
  // the instance list the Instances view loads already: one request for both views
  const instances = useInstances().data?.items;
  const rows = useMemo(() => {
    if (!q.data) return undefined;
    const names = new Map((instances ?? []).map((i) => [`${i.providerId}/${i.id}`, i.name]));
    const name = (providerId: string, serverId: string) => names.get(`${providerId}/${serverId}`) ?? null;
    return q.data.flatMap((c) => volumeRows(c, name)).filter((v) => inScope(v, scope));
  }, [q.data, instances, scope]);
  return { rows, error: q.error, loading: q.loading, reload: q.reload };
}
