// Scale fixtures for the inventory sync: a MockAgent cloud of 10,000 servers and 30,000 volumes
// over 200 projects in 2 domains (sizes adjustable), served with Nova's and Cinder's real page
// size (1000) and the SDK's real pagination, microversions and mapping.
//
//   import { buildScaleCloud } from '../bench/sync-fixtures';
//   const cloud = buildScaleCloud();             // MockCloud; cloud.providerOptions() → ProviderClient
//
// Run directly for a baseline of the SDK alone (what a sync costs before any catalog writes):
//   npx tsx e2e/bench/sync-fixtures.ts [--servers N] [--volumes N] [--projects N]
import { ManualClock } from '../../electron/openstack/core/clock';
import { addDomain, addProject, addUser, makeImage, makeServer, makeVolume, standardCloud } from '../../electron/openstack/testing/fixtures';
import type { MockCloud } from '../../electron/openstack/testing/mock-cloud';

export interface ScaleSpec {
  projects: number;
  servers: number;
  volumes: number;
  hypervisors: number;
}

export const DEFAULT_SCALE: ScaleSpec = { projects: 200, servers: 10_000, volumes: 30_000, hypervisors: 50 };

const uuid = (kind: number, n: number): string => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * The standard small cloud plus `spec` generated resources: projects alternate between the
 * Default and acme domains; servers spread round-robin over projects and hypervisors, each with
 * tags and metadata; every server has a boot or data volume attached and the remaining volumes
 * are detached; the admin user has the admin role on every project (for scoped listings).
 */
export function buildScaleCloud(spec: Partial<ScaleSpec> = {}): MockCloud {
  const s = { ...DEFAULT_SCALE, ...spec };
  const cloud = standardCloud({ clock: new ManualClock() });
  if (!cloud.domains.some((d) => d.id === 'd-acme')) addDomain(cloud, 'd-acme', 'acme');
  const projectIds: string[] = [];
  for (let p = 0; p < s.projects; p++) {
    const id = uuid(1, p).replace(/-/g, '');
    projectIds.push(id);
    addProject(cloud, id, `bench-${p % 2 ? 'acme' : 'default'}-${p}`, p % 2 ? 'd-acme' : 'default');
  }
  const grants: [string, ...string[]][] = [['p-admin', 'admin', 'member', 'reader'], ['default', 'admin'], ...projectIds.map((id): [string, string] => [id, 'admin'])];
  const adminIndex = cloud.users.findIndex((u) => u.id === 'u-admin');
  const admin = cloud.users.splice(adminIndex, 1)[0]!;
  addUser(cloud, admin, grants);

  for (let h = 0; h < s.hypervisors; h++) {
    cloud.hypervisors.push({
      id: uuid(2, h),
      _intId: 100 + h,
      _zone: h % 5 === 0 ? 'raw' : 'nova',
      hypervisor_hostname: `bench-hv-${h}.example.org`,
      state: 'up',
      status: 'enabled',
      hypervisor_type: 'QEMU',
      host_ip: `192.0.2.${h + 1}`,
      service: { host: `bench-hv-${h}`, id: uuid(3, h), disabled_reason: null },
      vcpus: 64,
      vcpus_used: 0,
      memory_mb: 262144,
      memory_mb_used: 0,
      local_gb: 2000,
      local_gb_used: 0,
      running_vms: 0,
    });
  }
  cloud.images.push(makeImage(uuid(4, 0), 'bench-image', 'p-admin'));

  const flavor = { id: 'f-small', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, extraSpecs: { 'hw:cpu_policy': 'shared' } };
  let volumeSeq = 0;
  for (let i = 0; i < s.servers; i++) {
    const projectId = projectIds[i % s.projects]!;
    const host = `bench-hv-${i % s.hypervisors}`;
    const volumeId = uuid(5, volumeSeq);
    const bootFromVolume = i % 3 === 0;
    cloud.servers.push(
      makeServer({
        id: uuid(6, i),
        name: `bench-server-${i}`,
        projectId,
        host,
        flavor,
        ...(bootFromVolume ? {} : { imageId: uuid(4, 0) }),
        keyName: 'bench-key',
        tags: i % 2 ? ['prod', `team-${i % 17}`] : ['dev'],
        metadata: { app: `app-${i % 40}`, backup: i % 4 ? 'daily' : 'none' },
        volumeIds: [volumeId],
        zone: i % 5 === 0 ? 'raw' : 'nova',
        seq: i + 10,
      }),
    );
    cloud.volumes.push(makeVolume({ id: volumeId, name: `bench-volume-${volumeSeq}`, projectId, serverId: uuid(6, i), bootable: bootFromVolume, seq: volumeSeq + 10, size: 10 + (i % 90) }));
    volumeSeq++;
  }
  for (; volumeSeq < s.volumes; volumeSeq++) {
    cloud.volumes.push(makeVolume({ id: uuid(5, volumeSeq), name: `bench-volume-${volumeSeq}`, projectId: projectIds[volumeSeq % s.projects]!, seq: volumeSeq + 10 }));
  }
  return cloud;
}

async function main(): Promise<void> {
  const { ProviderClient } = await import('../../electron/openstack/core/provider-client');
  const { listServers } = await import('../../electron/openstack/compute/servers');
  const { listVolumes } = await import('../../electron/openstack/blockstorage/volumes');
  const { listAuthProjects } = await import('../../electron/openstack/identity/projects');
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const spec: Partial<ScaleSpec> = {};
  for (const k of ['servers', 'volumes', 'projects'] as const) {
    const v = arg(k);
    if (v !== undefined) spec[k] = v;
  }
  let t = performance.now();
  const cloud = buildScaleCloud(spec);
  const rss = (): string => `RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`;
  console.log(`fixtures: ${cloud.servers.length} servers, ${cloud.volumes.length} volumes, ${cloud.projects.length} projects built in ${Math.round(performance.now() - t)} ms, ${rss()}`);

  // 1. An admin lists everything at once (all_tenants), page by page as a sync should (bounded memory).
  t = performance.now();
  const admin = new ProviderClient(cloud.providerOptions());
  const count = async (pages: AsyncIterable<unknown[]>): Promise<number> => {
    let n = 0;
    for await (const page of pages) n += page.length;
    return n;
  };
  const [servers, volumes] = await Promise.all([
    (async () => count(listServers(await admin.compute(), { allTenants: true }).pages()))(),
    (async () => count(listVolumes(await admin.blockStorage(), { allTenants: true }).pages()))(),
  ]);
  console.log(`admin all_tenants: ${servers} servers + ${volumes} volumes in ${Math.round(performance.now() - t)} ms, ${cloud.requests.length} requests, ${rss()}`);

  // 2. An unscoped user walks every reachable project with a rescoped token (4 at a time).
  t = performance.now();
  const before = cloud.requests.length;
  const root = new ProviderClient(cloud.providerOptions({ scope: { kind: 'unscoped' } }));
  const projects = await listAuthProjects(await root.identity()).all();
  let nServers = 0;
  let nVolumes = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < projects.length) {
        const project = projects[next++]!;
        const scoped = root.withScope({ kind: 'project', id: project.id });
        const s = await listServers(await scoped.compute()).all();
        const v = await listVolumes(await scoped.blockStorage()).all();
        nServers += s.length;
        nVolumes += v.length;
      }
    }),
  );
  console.log(`per project (${projects.length} rescoped tokens): ${nServers} servers + ${nVolumes} volumes in ${Math.round(performance.now() - t)} ms, ${cloud.requests.length - before} requests`);
  console.log(rss());
  await cloud.close();
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
