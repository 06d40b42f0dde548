// Neutron ports: which server (device) has which addresses on which network.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawPort = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  network_id: z.string(),
  device_id: z.string().default(''),
  device_owner: z.string().default(''),
  mac_address: z.string().optional(),
  fixed_ips: z.array(z.looseObject({ subnet_id: z.string(), ip_address: z.string() })).default([]),
  status: z.string().optional(),
  admin_state_up: z.boolean().optional(),
  security_groups: z.array(z.string()).default([]),
  project_id: z.string().optional(),
  tenant_id: z.string().optional(),
  'binding:host_id': z.string().nullish(),
  'binding:vif_type': z.string().nullish(),
  'binding:vnic_type': z.string().nullish(),
  port_security_enabled: z.boolean().optional(),
  allowed_address_pairs: z.array(z.looseObject({ ip_address: z.string(), mac_address: z.string().optional() })).default([]),
  description: z.string().nullish(),
  tags: z.array(z.string()).default([]),
});
export type RawPort = z.infer<typeof RawPort>;

export interface Port {
  id: string;
  name: string;
  networkId: string;
  /** The server id for compute ports. */
  deviceId: string | undefined;
  /** e.g. "compute:nova", "network:router_interface", "network:dhcp". */
  deviceOwner: string | undefined;
  macAddress: string | undefined;
  fixedIps: { subnetId: string; ipAddress: string }[];
  status: string | undefined;
  adminStateUp: boolean;
  securityGroupIds: string[];
  projectId: string | undefined;
  /** Admin attributes. */
  bindingHost: string | undefined;
  vifType: string | undefined;
  vnicType: string | undefined;
  portSecurityEnabled: boolean | undefined;
  allowedAddressPairs: { ipAddress: string; macAddress: string | undefined }[];
  description: string | undefined;
  tags: string[];
}

export function toPort(raw: RawPort): Port {
  return {
    id: raw.id,
    name: raw.name,
    networkId: raw.network_id,
    deviceId: raw.device_id || undefined,
    deviceOwner: raw.device_owner || undefined,
    macAddress: raw.mac_address,
    fixedIps: raw.fixed_ips.map((ip) => ({ subnetId: ip.subnet_id, ipAddress: ip.ip_address })),
    status: raw.status,
    adminStateUp: raw.admin_state_up ?? true,
    securityGroupIds: raw.security_groups,
    projectId: raw.project_id ?? raw.tenant_id,
    bindingHost: raw['binding:host_id'] || undefined,
    vifType: raw['binding:vif_type'] ?? undefined,
    vnicType: raw['binding:vnic_type'] ?? undefined,
    portSecurityEnabled: raw.port_security_enabled,
    allowedAddressPairs: raw.allowed_address_pairs.map((p) => ({ ipAddress: p.ip_address, macAddress: p.mac_address })),
    description: raw.description || undefined,
    tags: raw.tags,
  };
}

export interface ListPortsOptions {
  networkId?: string;
  /** Ports of one server. */
  deviceId?: string;
  deviceOwner?: string;
  projectId?: string;
  limit?: number;
  signal?: AbortSignal;
}

export function listPorts(network: ServiceClient, opts: ListPortsOptions = {}): Pager<Port, RawPort> {
  return new Pager(network, {
    path: 'ports',
    query: { network_id: opts.networkId, device_id: opts.deviceId, device_owner: opts.deviceOwner, project_id: opts.projectId },
    key: 'ports',
    item: RawPort,
    map: toPort,
    limit: opts.limit,
    markerOf: (p) => p.id,
    signal: opts.signal,
  });
}

export async function getPort(network: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Port> {
  const res = await network.get(`ports/${encodeURIComponent(id)}`, { schema: z.looseObject({ port: RawPort }), signal: opts.signal });
  return toPort(res.body.port);
}
