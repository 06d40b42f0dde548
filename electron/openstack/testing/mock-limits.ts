// Nova's and Cinder's absolute limits of the token's project: the quota a test set (else the
// services' defaults) and the usage counted from the mock's servers and volumes.
import { ORIGINS, type MockCloud, type MockQuota } from './mock-cloud';
import { ID, projectOf, type Wire } from './mock-util';

const DEFAULTS: MockQuota = { instances: 10, cores: 20, ramMiB: 51200, volumes: 10, gigabytes: 1000, snapshots: 10 };

export function limitRoutes(cloud: MockCloud): void {
  const quota = (project: string | undefined): MockQuota => ({ ...DEFAULTS, ...(project ? cloud.quotas.get(project) : {}) });
  cloud.route(ORIGINS.nova, 'GET', /^\/v2\.1\/limits$/, (req) => {
    const project = projectOf(cloud.validToken(req)!);
    const q = quota(project);
    const servers = cloud.servers.filter((s) => s.tenant_id === project);
    const flavor = (s: Wire) => (s.flavor ?? {}) as { vcpus?: number; ram?: number };
    const absolute = {
      maxTotalInstances: q.instances,
      maxTotalCores: q.cores,
      maxTotalRAMSize: q.ramMiB,
      totalInstancesUsed: servers.length,
      totalCoresUsed: servers.reduce((n, s) => n + (flavor(s).vcpus ?? 0), 0),
      totalRAMUsed: servers.reduce((n, s) => n + (flavor(s).ram ?? 0), 0),
    };
    return { status: 200, body: { limits: { absolute, rate: [] } } };
  });
  cloud.route(ORIGINS.cinder, 'GET', new RegExp(`^/v3/${ID}/limits$`), (_req, m) => {
    const q = quota(m[1]);
    const volumes = cloud.volumes.filter((v) => v['os-vol-tenant-attr:tenant_id'] === m[1]);
    const absolute = {
      maxTotalVolumes: q.volumes,
      maxTotalVolumeGigabytes: q.gigabytes,
      maxTotalSnapshots: q.snapshots,
      totalVolumesUsed: volumes.length,
      totalGigabytesUsed: volumes.reduce((n, v) => n + Number(v.size ?? 0), 0),
      totalSnapshotsUsed: cloud.snapshots.filter((s) => s['os-extended-snapshot-attributes:project_id'] === m[1]).length,
    };
    return { status: 200, body: { limits: { absolute, rate: [] } } };
  });
}
