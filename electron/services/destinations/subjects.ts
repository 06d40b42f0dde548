import type { BackupSubject } from '../../../shared/domain/destinations';
import { identityOfSource, providerIdOf } from '../providers/cloud-identity';
import type { InventoryTable } from '../../catalog';
import type { Manifest } from '../../engine';
import type { ProvidersService } from '../providers/providers.service';

/** Where names come from: the clouds of this installation and their synced inventory. */
export interface SubjectNames {
  providers: Pick<ProvidersService, 'find' | 'list'>;
  inventory: Pick<InventoryTable, 'get'>;
}

/**
 * What a manifest's restore points are of, by name: the instance or volume as the backup recorded
 * it (it may be gone or renamed since), its cloud and project as this installation knows them.
 */
export function subjectOf(m: Manifest, names: SubjectNames): BackupSubject {
  const s = m.source as { kind?: string; providerId?: string; resourceId?: string; resourceName?: string; projectId?: string | null };
  const kind = s.kind === 'instance' || s.kind === 'volume' ? s.kind : 'disk';
  const id = s.resourceId ?? m.group;
  // a cloud added again after the catalog was lost has a new id: its Keystone URL and region find it
  const cloudId = providerIdOf(names.providers, s.providerId ?? null, identityOfSource(s));
  const cloud = cloudId ? names.providers.find(cloudId) : undefined;
  const known = cloud && kind !== 'disk' ? names.inventory.get(cloud.id, kind, id) : undefined;
  // backups before the project was recorded: the inventory still knows where the instance is
  const projectId = s.projectId ?? known?.projectId ?? null;
  return {
    kind,
    id,
    name: s.resourceName || known?.name || id,
    cloudId,
    cloud: cloud?.name ?? null,
    projectId,
    project: (cloud && projectId && names.inventory.get(cloud.id, 'project', projectId)?.name) || null,
  };
}
