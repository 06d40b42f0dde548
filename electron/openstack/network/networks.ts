// Neutron networks.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawNetwork = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  status: z.string().optional(),
  admin_state_up: z.boolean().optional(),
  shared: z.boolean().optional(),
  'router:external': z.boolean().optional(),
  subnets: z.array(z.string()).default([]),
  project_id: z.string().optional(),
  tenant_id: z.string().optional(),
  mtu: z.number().nullish(),
  'provider:network_type': z.string().nullish(),
  'provider:physical_network': z.string().nullish(),
  'provider:segmentation_id': z.number().nullish(),
  availability_zones: z.array(z.string()).optional(),
  port_security_enabled: z.boolean().optional(),
  description: z.string().nullish(),
  tags: z.array(z.string()).default([]),
});
export type RawNetwork = z.infer<typeof RawNetwork>;

export interface Network {
  id: string;
  name: string;
  status: string | undefined;
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  subnetIds: string[];
  projectId: string | undefined;
  mtu: number | undefined;
  /** Admin attributes. */
  networkType: string | undefined;
  physicalNetwork: string | undefined;
  segmentationId: number | undefined;
  availabilityZones: string[];
  portSecurityEnabled: boolean | undefined;
  description: string | undefined;
  tags: string[];
}

export function toNetwork(raw: RawNetwork): Network {
  return {
    id: raw.id,
    name: raw.name,
    status: raw.status,
    adminStateUp: raw.admin_state_up ?? true,
    shared: raw.shared ?? false,
    external: raw['router:external'] ?? false,
    subnetIds: raw.subnets,
    projectId: raw.project_id ?? raw.tenant_id,
    mtu: raw.mtu ?? undefined,
    networkType: raw['provider:network_type'] ?? undefined,
    physicalNetwork: raw['provider:physical_network'] ?? undefined,
    segmentationId: raw['provider:segmentation_id'] ?? undefined,
    availabilityZones: raw.availability_zones ?? [],
    portSecurityEnabled: raw.port_security_enabled,
    description: raw.description || undefined,
    tags: raw.tags,
  };
}

export interface ListNetworksOptions {
  projectId?: string;
  name?: string;
  external?: boolean;
  shared?: boolean;
  /** Page size; Neutron returns everything at once when omitted. */
  limit?: number;
  signal?: AbortSignal;
}

/** Neutron lists every project's networks to an admin without any all_tenants flag. */
export function listNetworks(network: ServiceClient, opts: ListNetworksOptions = {}): Pager<Network, RawNetwork> {
  return new Pager(network, {
    path: 'networks',
    query: { project_id: opts.projectId, name: opts.name, 'router:external': opts.external, shared: opts.shared },
    key: 'networks',
    item: RawNetwork,
    map: toNetwork,
    limit: opts.limit,
    markerOf: (n) => n.id,
    signal: opts.signal,
  });
}

export async function getNetwork(network: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Network> {
  const res = await network.get(`networks/${encodeURIComponent(id)}`, { schema: z.looseObject({ network: RawNetwork }), signal: opts.signal });
  return toNetwork(res.body.network);
}
