import type { ResourceKind } from '../../../../shared/domain/inventory';
import type { AppError } from '../../../../shared/errors/app-error';
import { useQuery } from '../../api/useQuery';

/** A cloud's resources of one kind as a Select's options (by id, or by name for what OpenStack names by name), each value once; zones: Nova's. */
export function useResourceOptions(
  providerId: string | null,
  kind: ResourceKind,
  valueBy: 'id' | 'name',
  projectId?: string | null,
): { data: { value: string; label: string }[]; error: AppError | null } {
  const q = useQuery('inventory.listResources', providerId ? { providerId, kind, ...(projectId ? { projectId } : {}) } : null, {
    tables: ['inventory'],
  });
  const items = (q.data?.items ?? [])
    // a server goes in one of Nova's zones (the inventory lists Cinder's too)
    .filter((r) => kind !== 'availabilityZone' || r.data.service === 'compute')
    .map((r) => ({ value: valueBy === 'name' ? r.name : r.id, label: r.name }));
  return { data: [...new Map(items.map((d) => [d.value, d])).values()], error: q.error };
}
