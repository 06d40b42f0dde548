import * as os from '../../openstack';
import type { StoredAuthDomain } from '../../catalog';
import type { ProviderView } from '../../../shared/domain/providers';

/** Everything one authentication domain can see, as the SDK returns it. */
export interface Collected {
  domains: os.Domain[];
  projects: os.Project[];
  servers: os.Server[];
  flavors: os.Flavor[];
  keypairs: os.Keypair[];
  images: os.Image[];
  volumes: os.Volume[];
  snapshots: os.Snapshot[];
  volumeTypes: os.VolumeType[];
  networks: os.Network[];
  subnets: os.Subnet[];
  computeZones: os.AvailabilityZone[];
  volumeZones: os.VolumeAvailabilityZone[];
  hypervisors: os.Hypervisor[];
  /** false when the user is no admin: per-project listing, no hypervisors */
  admin: boolean;
  warnings: string[];
}

export type Step = (name: string) => void;

/** Runs a listing; a 403 (a missing role) becomes a warning and an empty list, anything else fails the sync. */
async function optional<T>(what: string, warnings: string[], fn: () => Promise<T[]>): Promise<T[]> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof os.ForbiddenError || e instanceof os.EndpointNotFoundError) {
      warnings.push(`${what} not listed: ${e.message}`);
      return [];
    }
    throw e;
  }
}

/**
 * Lists one authentication domain's view of the cloud. An admin lists every project at once
 * (all_tenants); another user is scoped to each of its projects in turn. With domain-scoped
 * authorization only the domain of `authDomain` is kept.
 */
export async function collect(
  provider: ProviderView,
  authDomain: StoredAuthDomain,
  client: os.ProviderClient,
  step: Step,
  signal: AbortSignal,
): Promise<Collected> {
  const warnings: string[] = [];
  step('authenticating');
  const info = await client.authenticate(signal);
  const identity = await client.identity(signal);
  step('domains and projects');
  let domains = info.isAdmin ? await os.listDomains(identity, { signal }).all() : await os.listAuthDomains(identity, { signal }).all();
  let projects = info.isAdmin ? await os.listProjects(identity, { signal }).all() : await os.listAuthProjects(identity, { signal }).all();
  if (provider.scoped) {
    const mine = domains.find((d) => d.name === authDomain.name || d.id === authDomain.domainId);
    if (!mine)
      throw new os.NotFoundError({
        method: 'GET',
        url: identity.endpoint,
        service: 'identity',
        status: 404,
        message: `Domain "${authDomain.name}" is not visible to ${authDomain.userName}.`,
      });
    domains = [mine];
    projects = projects.filter((p) => p.domainId === mine.id);
  } else if (!info.isAdmin) {
    // Domains of the projects a user reaches, even without a role on the domain itself.
    const ids = new Set(projects.map((p) => p.domainId));
    domains = domains.filter((d) => ids.has(d.id));
  }
  const projectIds = new Set(projects.map((p) => p.id));
  const enabled = projects.filter((p) => p.enabled);
  const first = enabled[0];
  const base: Collected = {
    domains,
    projects,
    servers: [],
    flavors: [],
    keypairs: [],
    images: [],
    volumes: [],
    snapshots: [],
    volumeTypes: [],
    networks: [],
    subnets: [],
    computeZones: [],
    volumeZones: [],
    hypervisors: [],
    admin: info.isAdmin,
    warnings,
  };
  if (!first) return base;
  // A project-scoped client for the catalog: the token's own when it has one.
  const scoped = info.scope.kind === 'project' && projectIds.has(info.scope.id) ? client : client.withScope({ kind: 'project', id: first.id });
  const compute = await scoped.compute(signal);
  const storage = await scoped.blockStorage(signal);
  const image = await scoped.image(signal);
  const network = await optional('networks', warnings, async () => [await scoped.network(signal)]).then((c) => c[0]);

  step('flavors');
  base.flavors = await os.listFlavorsWithExtraSpecs(compute, { includePrivate: info.isAdmin, signal });
  step('key pairs');
  base.keypairs = await os.listKeypairs(compute, { signal }).all();
  step('images');
  base.images = await os.listImages(image, { visibility: 'all', signal }).all();
  step('volume types');
  base.volumeTypes = await optional('volume types', warnings, () => os.listVolumeTypes(storage, { includePrivate: info.isAdmin, signal }).all());
  step('availability zones');
  base.computeZones = await optional('compute availability zones', warnings, () => os.listComputeAvailabilityZones(compute, { signal }));
  base.volumeZones = await optional('volume availability zones', warnings, () => os.listVolumeAvailabilityZones(storage, { signal }));
  if (network) {
    step('networks');
    base.networks = await os.listNetworks(network, { signal }).all();
    base.subnets = await os.listSubnets(network, { signal }).all();
  }
  if (info.isAdmin) {
    step('hypervisors');
    base.hypervisors = await optional('hypervisors', warnings, () => os.listHypervisors(compute, { signal }).all());
    step('servers');
    base.servers = (await os.listServers(compute, { allTenants: true, signal }).all()).filter((s) => !s.projectId || projectIds.has(s.projectId));
    step('volumes');
    base.volumes = (await os.listVolumes(storage, { allTenants: true, signal }).all()).filter((v) => !v.projectId || projectIds.has(v.projectId));
    step('snapshots');
    base.snapshots = (await os.listSnapshots(storage, { allTenants: true, signal }).all()).filter((s) => !s.projectId || projectIds.has(s.projectId));
  } else {
    for (const p of enabled) {
      step(`project ${p.name}`);
      const pc = p.id === first.id ? scoped : client.withScope({ kind: 'project', id: p.id });
      const [c, b] = [await pc.compute(signal), await pc.blockStorage(signal)];
      base.servers.push(...(await os.listServers(c, { signal }).all()).map((s) => ({ ...s, projectId: s.projectId ?? p.id })));
      base.volumes.push(...(await os.listVolumes(b, { signal }).all()).map((v) => ({ ...v, projectId: v.projectId ?? p.id })));
      base.snapshots.push(...(await os.listSnapshots(b, { signal }).all()).map((s) => ({ ...s, projectId: s.projectId ?? p.id })));
    }
  }
  return base;
}
