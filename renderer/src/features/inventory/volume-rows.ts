import type { BackupView } from '../../../../shared/domain/backups';
import { Project, Volume, type ResourceItem } from '../../../../shared/domain/inventory';

/** One Cinder volume as the inventory's Volumes view lists it. */
export interface VolumeRow {
  providerId: string;
  providerName: string;
  id: string;
  name: string;
  status: string;
  sizeGb: number | null;
  volumeType: string | null;
  backend: string | null;
  bootable: boolean;
  projectId: string | null;
  projectName: string | null;
  domainId: string | null;
  /** the instances it is attached to, named when the inventory knows them */
  attachedTo: { serverId: string; name: string | null; device: string | null }[];
  /** the newest restore point of the volume on its own (not as a disk of an instance's backup); null: never */
  lastBackupAt: string | null;
}

/** What one cloud's part of the view is made of, as the core lists it. */
export interface CloudVolumes {
  providerId: string;
  providerName: string;
  volumes: ResourceItem[];
  projects: ResourceItem[];
  backups: BackupView[];
}

/** The newest restore point of each volume backed up on its own. */
export function lastVolumeBackups(backups: readonly BackupView[]): Map<string, string> {
  const last = new Map<string, string>();
  for (const b of backups) {
    if (b.resourceKind !== 'volume') continue;
    const seen = last.get(b.resourceId);
    if (!seen || Date.parse(b.createdAt) > Date.parse(seen)) last.set(b.resourceId, b.createdAt);
  }
  return last;
}

/** The rows of one cloud; `instanceName` names the instances a volume is attached to. */
export function volumeRows(c: CloudVolumes, instanceName: (providerId: string, serverId: string) => string | null): VolumeRow[] {
  const projects = new Map(c.projects.map((p) => [p.id, { name: p.name, domainId: Project.safeParse(p.data).data?.domainId ?? null }]));
  const last = lastVolumeBackups(c.backups);
  return c.volumes.map((r) => {
    // written by the inventory sync in this shape; a row that is not is still listed, with what is known
    const v = Volume.safeParse(r.data).data;
    const projectId = v?.projectId ?? r.projectId;
    const project = projectId ? projects.get(projectId) : undefined;
    return {
      providerId: c.providerId,
      providerName: c.providerName,
      id: r.id,
      name: r.name,
      status: v?.status ?? 'unknown',
      sizeGb: v?.sizeGb ?? null,
      volumeType: v?.volumeType ?? null,
      backend: v?.backend ?? null,
      bootable: v?.bootable ?? false,
      projectId,
      projectName: project?.name ?? null,
      domainId: project?.domainId ?? null,
      attachedTo: (v?.attachedTo ?? []).map((a) => ({ ...a, name: instanceName(c.providerId, a.serverId) })),
      lastBackupAt: last.get(r.id) ?? null,
    };
  });
}

/** "web-1 (/dev/vdb)", one per instance; "" for a volume attached to none. */
export const attachedText = (v: VolumeRow): string =>
  v.attachedTo.map((a) => `${a.name ?? a.serverId}${a.device ? ` (${a.device})` : ''}`).join(', ');
