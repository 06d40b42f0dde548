import type * as os from '../../openstack';
import type { Instance } from '../../../shared/domain/inventory';
import type { z } from 'zod';
import type * as inv from '../../../shared/domain/inventory';

type Of<T extends z.ZodType> = z.infer<T>;
const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The SDK's resources in the shapes the catalog stores and the UI shows; one place per resource. */
export const mapDomain = (d: os.Domain): Of<typeof inv.Domain> => ({ id: d.id, name: d.name, enabled: d.enabled });
export const mapProject = (p: os.Project): Of<typeof inv.Project> => ({ id: p.id, name: p.name, domainId: n(p.domainId), enabled: p.enabled });
export const mapFlavor = (f: os.Flavor): Of<typeof inv.Flavor> => ({
  id: f.id,
  name: f.name,
  vcpus: f.vcpus,
  ramMb: f.ramMiB,
  diskGb: f.diskGiB,
  isPublic: f.isPublic,
  extraSpecs: f.extraSpecs ?? {},
});
export const mapKeypair = (k: os.Keypair): Of<typeof inv.Keypair> => ({
  name: k.name,
  type: k.type,
  fingerprint: n(k.fingerprint),
  userId: n(k.userId),
});
export const mapImage = (i: os.Image): Of<typeof inv.Image> => ({
  id: i.id,
  name: i.name,
  status: i.status,
  diskFormat: n(i.diskFormat),
  sizeBytes: n(i.sizeBytes),
  visibility: n(i.visibility),
  ownerProjectId: n(i.ownerId),
});
export const mapVolumeType = (t: os.VolumeType): Of<typeof inv.VolumeType> => ({
  id: t.id,
  name: t.name,
  backend: n(t.backendName),
  isPublic: t.isPublic,
});
export const mapSnapshot = (s: os.Snapshot): Of<typeof inv.Snapshot> => ({
  id: s.id,
  name: s.name,
  status: s.status,
  volumeId: s.volumeId,
  sizeGb: s.sizeGiB,
  projectId: n(s.projectId),
  createdAt: n(s.createdAt),
});
export const mapHypervisor = (h: os.Hypervisor): inv.Hypervisor => ({
  hostname: h.hostname,
  serviceHost: n(h.serviceHost),
  state: n(h.state),
  status: n(h.status),
  type: n(h.type),
  hostIp: n(h.hostIp),
  runningVms: n(h.runningVms),
});

/** A volume's backend: its type's volume_backend_name, else the backend part of host@backend#pool. */
export function mapVolume(v: os.Volume, types: Map<string, os.VolumeType>): Of<typeof inv.Volume> {
  const type = (v.volumeTypeId && types.get(v.volumeTypeId)) || [...types.values()].find((t) => t.name === v.volumeType);
  return {
    id: v.id,
    name: v.name,
    status: v.status,
    sizeGb: v.sizeGiB,
    volumeType: n(v.volumeType),
    backend: type?.backendName ?? n(v.backendName),
    bootable: v.bootable,
    projectId: n(v.projectId),
    attachedTo: v.attachments.filter((a) => a.serverId).map((a) => ({ serverId: a.serverId!, device: n(a.device) })),
  };
}

export function mapNetwork(net: os.Network, subnets: Map<string, os.Subnet>): Of<typeof inv.Network> {
  return {
    id: net.id,
    name: net.name,
    projectId: n(net.projectId),
    external: net.external,
    shared: net.shared,
    status: net.status ?? 'UNKNOWN',
    subnets: net.subnetIds.flatMap((id) => {
      const s = subnets.get(id);
      return s ? [{ id: s.id, cidr: s.cidr, name: s.name }] : [];
    }),
  };
}

export interface InstanceContext {
  projects: Map<string, os.Project>;
  volumes: Map<string, Of<typeof inv.Volume>>;
  images: Map<string, os.Image>;
  flavors: Map<string, os.Flavor>;
}

export function mapInstance(s: os.Server, ctx: InstanceContext): Instance {
  const project = s.projectId ? ctx.projects.get(s.projectId) : undefined;
  // Before 2.47 the server carries only the flavor id: fill the rest from the flavor list.
  const flavor = s.flavor.id ? ctx.flavors.get(s.flavor.id) : undefined;
  const volumes = s.attachedVolumes.map((a) => {
    const v = ctx.volumes.get(a.id);
    const device = v?.attachedTo.find((t) => t.serverId === s.id)?.device ?? null;
    return {
      id: a.id,
      name: v?.name ?? null,
      device,
      sizeGb: v?.sizeGb ?? null,
      volumeType: v?.volumeType ?? null,
      backend: v?.backend ?? null,
      bootable: v?.bootable ?? false,
    };
  });
  const rootVolume = s.bootFromVolume
    ? (volumes.find((v) => v.device !== null && v.device === (s.rootDeviceName ?? '/dev/vda')) ?? volumes.find((v) => v.bootable) ?? volumes[0])
    : undefined;
  return {
    id: s.id,
    name: s.name,
    projectId: s.projectId ?? '',
    projectName: project?.name ?? null,
    domainId: project?.domainId ?? null,
    status: s.status,
    powerState: n(s.powerState),
    host: n(s.host),
    hypervisorHostname: n(s.hypervisorHostname),
    instanceName: n(s.instanceName),
    availabilityZone: n(s.availabilityZone),
    flavor: {
      id: s.flavor.id ?? flavor?.id ?? null,
      name: s.flavor.name ?? flavor?.name ?? null,
      vcpus: s.flavor.vcpus ?? flavor?.vcpus ?? null,
      ramMb: s.flavor.ramMiB ?? flavor?.ramMiB ?? null,
      diskGb: s.flavor.diskGiB ?? flavor?.diskGiB ?? null,
    },
    keyName: n(s.keyName),
    tags: s.tags ?? [],
    metadata: s.metadata,
    addresses: s.addresses.map((a) => ({ network: a.network, ip: a.address, type: n(a.type), mac: n(a.mac) })),
    securityGroups: s.securityGroups,
    volumes,
    bootSource: s.bootFromVolume
      ? { kind: 'volume', volumeId: rootVolume?.id ?? null }
      : { kind: 'image', imageId: n(s.imageId), imageName: (s.imageId && ctx.images.get(s.imageId)?.name) || null },
    createdAt: n(s.createdAt),
    updatedAt: n(s.updatedAt),
  };
}
