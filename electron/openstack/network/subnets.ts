// Neutron subnets.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawSubnet = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  network_id: z.string(),
  cidr: z.string(),
  ip_version: z.number(),
  gateway_ip: z.string().nullish(),
  enable_dhcp: z.boolean().optional(),
  allocation_pools: z.array(z.looseObject({ start: z.string(), end: z.string() })).default([]),
  dns_nameservers: z.array(z.string()).default([]),
  host_routes: z.array(z.looseObject({ destination: z.string(), nexthop: z.string() })).default([]),
  project_id: z.string().optional(),
  tenant_id: z.string().optional(),
  subnetpool_id: z.string().nullish(),
  description: z.string().nullish(),
  tags: z.array(z.string()).default([]),
});
export type RawSubnet = z.infer<typeof RawSubnet>;

export interface Subnet {
  id: string;
  name: string;
  networkId: string;
  cidr: string;
  ipVersion: number;
  gatewayIp: string | undefined;
  dhcp: boolean;
  allocationPools: { start: string; end: string }[];
  dnsNameservers: string[];
  hostRoutes: { destination: string; nexthop: string }[];
  projectId: string | undefined;
  subnetPoolId: string | undefined;
  description: string | undefined;
  tags: string[];
}

export function toSubnet(raw: RawSubnet): Subnet {
  return {
    id: raw.id,
    name: raw.name,
    networkId: raw.network_id,
    cidr: raw.cidr,
    ipVersion: raw.ip_version,
    gatewayIp: raw.gateway_ip ?? undefined,
    dhcp: raw.enable_dhcp ?? false,
    allocationPools: raw.allocation_pools.map((p) => ({ start: p.start, end: p.end })),
    dnsNameservers: raw.dns_nameservers,
    hostRoutes: raw.host_routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
    projectId: raw.project_id ?? raw.tenant_id,
    subnetPoolId: raw.subnetpool_id ?? undefined,
    description: raw.description || undefined,
    tags: raw.tags,
  };
}

export interface ListSubnetsOptions {
  networkId?: string;
  projectId?: string;
  limit?: number;
  signal?: AbortSignal;
}

export function listSubnets(network: ServiceClient, opts: ListSubnetsOptions = {}): Pager<Subnet, RawSubnet> {
  return new Pager(network, {
    path: 'subnets',
    query: { network_id: opts.networkId, project_id: opts.projectId },
    key: 'subnets',
    item: RawSubnet,
    map: toSubnet,
    limit: opts.limit,
    markerOf: (s) => s.id,
    signal: opts.signal,
  });
}

export async function getSubnet(network: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Subnet> {
  const res = await network.get(`subnets/${encodeURIComponent(id)}`, { schema: z.looseObject({ subnet: RawSubnet }), signal: opts.signal });
  return toSubnet(res.body.subnet);
}
