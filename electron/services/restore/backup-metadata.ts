import type { Manifest } from '../../engine';
import type * as os from '../../openstack';
import type { LibvirtDiskRecord } from '../../transfer/libvirt-ssh';
import { identityOfSource, type CloudIdentity } from '../providers/cloud-identity';

/** What an instance backup's manifest says, typed for the restore (written by services/backup). */

export type BackedUpDisk = LibvirtDiskRecord;

export interface InstanceBackupMetadata {
  /** how the restore point was made: the libvirt strategy's hold every disk and the domain, image transfer's the root disk, disk attachment's every disk as a volume */
  strategy: 'libvirt-ssh' | 'image-transfer' | 'disk-attachment';
  /** when the restore point was taken (its manifest's finish time) */
  createdAt: string;
  /** the cloud's id when backed up (random, local to the catalog that made it) */
  providerId: string;
  /** the cloud's Keystone URL and region, which survive the catalog (null: made before they were recorded) */
  cloud: CloudIdentity | null;
  serverId: string;
  serverName: string;
  host: string | null;
  server: os.Server;
  flavor: os.Flavor | null;
  image: os.Image | null;
  volumes: (os.Volume & { type: os.VolumeType | null })[];
  ports: os.Port[];
  disks: BackedUpDisk[];
  domainXml: string | null;
}

export function readInstanceBackup(m: Manifest): InstanceBackupMetadata {
  const src = m.source as { kind?: string; strategy?: string; providerId?: string; resourceId?: string; resourceName?: string; host?: string };
  const strategy = src.strategy === 'libvirt-ssh' || src.strategy === 'image-transfer' || src.strategy === 'disk-attachment' ? src.strategy : null;
  if (src.kind === 'volume') throw new Error(`Backup ${m.id} is a standalone volume's: restore it as a volume (backstack restore volume --backup ${m.id} --disk volume).`);
  if (src.kind !== 'instance' || !strategy || !src.providerId) {
    throw new Error(`Backup ${m.id} is not an instance backup of a strategy this version restores.`);
  }
  const md = m.metadata as {
    nova?: { server?: os.Server; flavor?: os.Flavor | null };
    glance?: { image?: os.Image | null };
    cinder?: { volumes?: InstanceBackupMetadata['volumes'] };
    neutron?: { ports?: os.Port[] };
    libvirt?: { disks?: BackedUpDisk[]; xml?: string };
    imageTransfer?: { disks?: BackedUpDisk[] };
    diskAttachment?: { disks?: { target: string; volumeId: string | null; size: number }[] };
  };
  const disks =
    strategy === 'libvirt-ssh'
      ? md.libvirt?.disks
      : strategy === 'image-transfer'
        ? md.imageTransfer?.disks
        : // every disk was read from a volume: each comes back as one (serial: the original volume)
          md.diskAttachment?.disks?.map((d): BackedUpDisk => ({ target: d.target, bus: null, kind: 'rbd', format: 'raw', serial: d.volumeId, size: d.size }));
  if (!md.nova?.server || !disks) throw new Error(`Backup ${m.id} lacks the Nova or disk metadata a restore needs.`);
  return {
    strategy,
    createdAt: m.finishedAt,
    providerId: src.providerId,
    cloud: identityOfSource(src),
    serverId: src.resourceId ?? m.group,
    serverName: src.resourceName ?? md.nova.server.name,
    host: src.host ?? null,
    server: md.nova.server,
    flavor: md.nova.flavor ?? null,
    image: md.glance?.image ?? null,
    volumes: md.cinder?.volumes ?? [],
    ports: md.neutron?.ports ?? [],
    // only disks the backup really holds (an excluded disk has metadata nowhere)
    disks: disks.filter((d) => m.disks.some((x) => x.name === d.target)),
    domainXml: md.libvirt?.xml ?? null,
  };
}

/** What a restore of single volumes needs of a restore point: an instance's, or a standalone volume's. */
export interface VolumeSourceMetadata extends Pick<InstanceBackupMetadata, 'strategy' | 'createdAt' | 'providerId' | 'cloud' | 'serverName' | 'host' | 'volumes' | 'disks'> {
  /** the project the instance or volume was in */
  projectId: string | null;
  /** the disk an instance starts from; null for a standalone volume's */
  boot: string | null;
}

/** A restore point's disks as single volumes: a standalone volume's (its one disk, `volume`), or an instance's. */
export function readVolumeSource(m: Manifest): VolumeSourceMetadata {
  const src = m.source as { kind?: string; strategy?: string; providerId?: string; resourceId?: string; resourceName?: string; projectId?: string | null };
  if (src.kind !== 'volume') {
    const b = readInstanceBackup(m);
    return { ...b, projectId: b.server.projectId ?? null, boot: b.disks.length ? bootDisk(b).target : null };
  }
  const md = m.metadata as { cinder?: { volumes?: InstanceBackupMetadata['volumes'] }; diskAttachment?: { disks?: { target: string; volumeId: string | null; size: number }[] } };
  const disks = md.diskAttachment?.disks;
  if (src.strategy !== 'disk-attachment' || !src.providerId || !disks) throw new Error(`Backup ${m.id} is not a volume backup this version restores.`);
  return {
    strategy: 'disk-attachment',
    createdAt: m.finishedAt,
    providerId: src.providerId,
    cloud: identityOfSource(src),
    serverName: src.resourceName || src.resourceId || m.group,
    host: null,
    volumes: md.cinder?.volumes ?? [],
    disks: disks.map((d) => ({ target: d.target, bus: null, kind: 'rbd', format: 'raw', serial: d.volumeId, size: d.size })),
    projectId: src.projectId ?? null,
    boot: null,
  };
}

/** The boot disk: Nova's root device name when known, else the first disk. */
export function bootDisk(b: InstanceBackupMetadata): BackedUpDisk {
  const root = b.server.rootDeviceName?.replace(/^\/dev\//, '');
  const d = b.disks.find((x) => x.target === root) ?? b.disks[0];
  if (!d) throw new Error('The backup holds no disk.');
  return d;
}

/**
 * Whether Nova deleted the original's volume behind this disk with the server
 * (`os-extended-volumes:volumes_attached[].delete_on_termination` as the backup recorded it):
 * the restored server's volume does the same. Unknown (an old microversion): false, Nova's default.
 */
export function deleteOnTermination(b: InstanceBackupMetadata, disk: BackedUpDisk): boolean {
  return b.server.attachedVolumes.find((v) => v.id === disk.serial)?.deleteOnTermination === true;
}
