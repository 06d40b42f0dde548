import type { ProviderView } from '../../../shared/domain/providers';
import * as os from '../../openstack';
import { cloudIdentity } from '../providers/cloud-identity';

/**
 * The OpenStack side of an instance backup, read through the APIs: what a restore needs to
 * rebuild the server (flavor, key pair, networks with fixed IPs, security groups, tags,
 * metadata, zone), the Glance image of the boot disk and the Cinder volumes with their types.
 */
export interface InstanceMetadata {
  nova: { server: os.Server; flavor: os.Flavor | null };
  glance: { image: os.Image | null };
  cinder: { volumes: (os.Volume & { type: os.VolumeType | null })[] };
  neutron: { ports: os.Port[]; securityGroups: os.SecurityGroup[] };
  warnings: string[];
}

export async function collectInstanceMetadata(client: os.ProviderClient, server: os.Server, signal?: AbortSignal): Promise<InstanceMetadata> {
  const warnings: string[] = [];
  const soft = async <T>(what: string, p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if (signal?.aborted) throw e;
      warnings.push(`${what}: ${(e as Error).message}`);
      return null;
    }
  };
  const opt = signal ? { signal } : {};
  const compute = await client.compute(signal);
  const flavor = server.flavor.id
    ? await soft('flavor', os.getFlavor(compute, server.flavor.id, opt))
    : server.flavor.name
      ? await soft('flavor', os.listFlavors(compute, { ...opt }).all().then((all) => all.find((f) => f.name === server.flavor.name) ?? null))
      : null;
  const image = server.imageId ? await soft(`image ${server.imageId}`, client.image(signal).then((s) => os.getImage(s, server.imageId as string, opt))) : null;
  const volumes: InstanceMetadata['cinder']['volumes'] = [];
  if (server.attachedVolumes.length) {
    const bs = await client.blockStorage(signal);
    for (const a of server.attachedVolumes) {
      const v = await soft(`volume ${a.id}`, os.getVolume(bs, a.id, opt));
      if (!v) continue;
      const type = v.volumeTypeId ? await soft(`volume type ${v.volumeTypeId}`, os.getVolumeType(bs, v.volumeTypeId, opt)) : null;
      volumes.push({ ...v, type });
    }
  }
  const net = await soft('network service', client.network(signal));
  const ports = net ? ((await soft('ports', os.listPorts(net, { deviceId: server.id, ...opt }).all())) ?? []) : [];
  const groupIds = [...new Set(ports.flatMap((p) => p.securityGroupIds))];
  const securityGroups: os.SecurityGroup[] = [];
  for (const id of groupIds) {
    const g = net ? await soft(`security group ${id}`, os.getSecurityGroup(net, id, opt)) : null;
    if (g) securityGroups.push(g);
  }
  return { nova: { server, flavor }, glance: { image }, cinder: { volumes }, neutron: { ports, securityGroups }, warnings };
}

/** The first authentication domain's client that can see the server (admin attributes included). */
export async function findServer(
  entries: { client: os.ProviderClient }[],
  serverId: string,
  signal?: AbortSignal,
): Promise<{ client: os.ProviderClient; server: os.Server }> {
  let last: unknown;
  for (const e of entries) {
    try {
      const server = await os.getServer(await e.client.compute(signal), serverId, signal ? { signal } : {});
      return { client: e.client, server };
    } catch (err) {
      if (signal?.aborted) throw err;
      last = err;
    }
  }
  throw last ?? new Error(`Server ${serverId} not found.`);
}

/**
 * What a restore point of an instance says about where it came from, whatever the strategy: the
 * cloud also by what survives the catalog's loss (its id is random and local), and the
 * installation that made it (a policy's retention judges only its own installation's).
 */
export function instanceSourceInfo(provider: ProviderView, server: Pick<os.Server, 'id' | 'name' | 'projectId' | 'host'>, installation: string) {
  return {
    kind: 'instance' as const,
    providerId: provider.id,
    cloud: cloudIdentity(provider),
    resourceId: server.id,
    resourceName: server.name,
    projectId: server.projectId ?? null,
    host: server.host ?? null,
    installation,
  };
}
