// Nova hypervisors (admin): the compute hosts servers run on, used by host-level backup strategies.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawHypervisor = z.looseObject({
  id: z.union([z.string(), z.number()]), // integer before 2.53, UUID after
  hypervisor_hostname: z.string(),
  state: z.string().optional(),
  status: z.string().optional(),
  hypervisor_type: z.string().optional(),
  hypervisor_version: z.number().optional(),
  host_ip: z.string().nullish(),
  service: z.looseObject({ host: z.string(), id: z.union([z.string(), z.number()]).optional(), disabled_reason: z.string().nullish() }).optional(),
  vcpus: z.number().optional(),
  vcpus_used: z.number().optional(),
  memory_mb: z.number().optional(),
  memory_mb_used: z.number().optional(),
  local_gb: z.number().optional(),
  local_gb_used: z.number().optional(),
  running_vms: z.number().optional(),
});
export type RawHypervisor = z.infer<typeof RawHypervisor>;

export interface Hypervisor {
  id: string;
  /** The hypervisor's node name (servers' OS-EXT-SRV-ATTR:hypervisor_hostname). */
  hostname: string;
  /** The nova-compute service host (servers' OS-EXT-SRV-ATTR:host). */
  serviceHost: string | undefined;
  hostIp: string | undefined;
  state: string | undefined;
  status: string | undefined;
  type: string | undefined;
  vcpus: number | undefined;
  vcpusUsed: number | undefined;
  memoryMiB: number | undefined;
  memoryMiBUsed: number | undefined;
  localGiB: number | undefined;
  runningVms: number | undefined;
}

export function toHypervisor(raw: RawHypervisor): Hypervisor {
  return {
    id: String(raw.id),
    hostname: raw.hypervisor_hostname,
    serviceHost: raw.service?.host,
    hostIp: raw.host_ip ?? undefined,
    state: raw.state,
    status: raw.status,
    type: raw.hypervisor_type,
    vcpus: raw.vcpus,
    vcpusUsed: raw.vcpus_used,
    memoryMiB: raw.memory_mb,
    memoryMiBUsed: raw.memory_mb_used,
    localGiB: raw.local_gb,
    runningVms: raw.running_vms,
  };
}

const FEATURES = ['compute.hypervisorUuids', 'compute.hypervisorResources'] as const;

export function listHypervisors(compute: ServiceClient, opts: { limit?: number; signal?: AbortSignal } = {}): Pager<Hypervisor, RawHypervisor> {
  return new Pager(compute, {
    path: 'os-hypervisors/detail',
    key: 'hypervisors',
    item: RawHypervisor,
    map: toHypervisor,
    limit: opts.limit,
    markerOf: (h) => String(h.id),
    features: FEATURES,
    signal: opts.signal,
  });
}

export async function getHypervisor(compute: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Hypervisor> {
  const res = await compute.get(`os-hypervisors/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ hypervisor: RawHypervisor }),
    features: FEATURES,
    signal: opts.signal,
  });
  return toHypervisor(res.body.hypervisor);
}
