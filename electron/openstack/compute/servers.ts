// Nova servers: list (all projects for admins), get, create, delete, wait.
import { z } from 'zod';
import type { Feature } from '../core/microversions';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';
import { orNullIfNotFound, waitFor, type WaitOptions } from '../core/wait-for';

const RawAddress = z.looseObject({
  addr: z.string(),
  version: z.number().optional(),
  'OS-EXT-IPS:type': z.string().optional(),
  'OS-EXT-IPS-MAC:mac_addr': z.string().optional(),
});

// Before 2.47 {id, links}; from 2.47 the flavor as it was at boot, without id.
const RawServerFlavor = z.looseObject({
  id: z.string().optional(),
  original_name: z.string().optional(),
  vcpus: z.number().optional(),
  ram: z.number().optional(),
  disk: z.number().optional(),
  ephemeral: z.number().optional(),
  swap: z.number().optional(),
  extra_specs: z.record(z.string(), z.string()).optional(),
});

export const RawServer = z.looseObject({
  id: z.string(),
  name: z.string().default(''), // absent for servers in a down cell (2.69)
  status: z.string().default('UNKNOWN'),
  tenant_id: z.string().optional(),
  user_id: z.string().optional(),
  created: z.string().optional(),
  updated: z.string().optional(),
  description: z.string().nullish(),
  flavor: RawServerFlavor.optional(),
  image: z.union([z.literal(''), z.looseObject({ id: z.string() })]).nullish(), // "" when booted from volume
  key_name: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).default({}),
  tags: z.array(z.string()).optional(),
  addresses: z.record(z.string(), z.array(RawAddress)).default({}),
  'os-extended-volumes:volumes_attached': z
    .array(z.looseObject({ id: z.string(), delete_on_termination: z.boolean().optional() }))
    .default([]),
  security_groups: z.array(z.looseObject({ name: z.string() })).optional(),
  'OS-EXT-AZ:availability_zone': z.string().nullish(),
  'OS-EXT-SRV-ATTR:host': z.string().nullish(),
  'OS-EXT-SRV-ATTR:instance_name': z.string().nullish(),
  'OS-EXT-SRV-ATTR:hypervisor_hostname': z.string().nullish(),
  'OS-EXT-SRV-ATTR:root_device_name': z.string().nullish(),
  'OS-EXT-STS:vm_state': z.string().nullish(),
  'OS-EXT-STS:task_state': z.string().nullish(),
  'OS-EXT-STS:power_state': z.number().nullish(),
  'OS-SRV-USG:launched_at': z.string().nullish(),
  host_status: z.string().nullish(),
  locked: z.boolean().optional(),
});
export type RawServer = z.infer<typeof RawServer>;

export interface ServerFlavor {
  /** Before microversion 2.47 only the id is known; from 2.47 only the name and figures. */
  id: string | undefined;
  name: string | undefined;
  vcpus: number | undefined;
  ramMiB: number | undefined;
  diskGiB: number | undefined;
  ephemeralGiB: number | undefined;
  swapMiB: number | undefined;
  extraSpecs: Record<string, string> | undefined;
}

export interface ServerAddress {
  network: string;
  address: string;
  version: number | undefined;
  /** "fixed" or "floating". */
  type: string | undefined;
  mac: string | undefined;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  projectId: string | undefined;
  userId: string | undefined;
  description: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  launchedAt: string | undefined;
  flavor: ServerFlavor;
  /** undefined when booted from a volume. */
  imageId: string | undefined;
  bootFromVolume: boolean;
  keyName: string | undefined;
  /** undefined when the server predates microversion 2.26 (tags unknown, not empty). */
  tags: string[] | undefined;
  metadata: Record<string, string>;
  availabilityZone: string | undefined;
  /** Admin attributes: undefined for other users. */
  host: string | undefined;
  instanceName: string | undefined;
  hypervisorHostname: string | undefined;
  rootDeviceName: string | undefined;
  vmState: string | undefined;
  taskState: string | undefined;
  powerState: PowerState | undefined;
  addresses: ServerAddress[];
  attachedVolumes: { id: string; deleteOnTermination: boolean | undefined }[];
  securityGroups: string[];
  locked: boolean | undefined;
  hostStatus: string | undefined;
}

export type PowerState = 'nostate' | 'running' | 'paused' | 'shutdown' | 'crashed' | 'suspended';
const POWER_STATES: Record<number, PowerState> = { 0: 'nostate', 1: 'running', 3: 'paused', 4: 'shutdown', 6: 'crashed', 7: 'suspended' };

export function toServer(raw: RawServer): Server {
  const f = raw.flavor;
  const image = raw.image && typeof raw.image === 'object' ? raw.image.id : undefined;
  const power = raw['OS-EXT-STS:power_state'];
  return {
    id: raw.id,
    name: raw.name,
    status: raw.status,
    projectId: raw.tenant_id,
    userId: raw.user_id,
    description: raw.description ?? undefined,
    createdAt: raw.created,
    updatedAt: raw.updated,
    launchedAt: raw['OS-SRV-USG:launched_at'] ?? undefined,
    flavor: {
      id: f?.id,
      name: f?.original_name,
      vcpus: f?.vcpus,
      ramMiB: f?.ram,
      diskGiB: f?.disk,
      ephemeralGiB: f?.ephemeral,
      swapMiB: f?.swap,
      extraSpecs: f?.extra_specs,
    },
    imageId: image,
    bootFromVolume: image === undefined,
    keyName: raw.key_name ?? undefined,
    tags: raw.tags,
    metadata: raw.metadata,
    availabilityZone: raw['OS-EXT-AZ:availability_zone'] || undefined,
    host: raw['OS-EXT-SRV-ATTR:host'] ?? undefined,
    instanceName: raw['OS-EXT-SRV-ATTR:instance_name'] ?? undefined,
    hypervisorHostname: raw['OS-EXT-SRV-ATTR:hypervisor_hostname'] ?? undefined,
    rootDeviceName: raw['OS-EXT-SRV-ATTR:root_device_name'] ?? undefined,
    vmState: raw['OS-EXT-STS:vm_state'] ?? undefined,
    taskState: raw['OS-EXT-STS:task_state'] ?? undefined,
    powerState: power === null || power === undefined ? undefined : POWER_STATES[power],
    addresses: Object.entries(raw.addresses).flatMap(([network, list]) =>
      list.map((a) => ({ network, address: a.addr, version: a.version, type: a['OS-EXT-IPS:type'], mac: a['OS-EXT-IPS-MAC:mac_addr'] })),
    ),
    attachedVolumes: raw['os-extended-volumes:volumes_attached'].map((v) => ({ id: v.id, deleteOnTermination: v.delete_on_termination })),
    securityGroups: [...new Set((raw.security_groups ?? []).map((g) => g.name))],
    locked: raw.locked,
    hostStatus: raw.host_status ?? undefined,
  };
}

/** What a server listing wants to see, if the server offers it. */
export const SERVER_FEATURES: readonly Feature[] = [
  'compute.serverTags',
  'compute.embeddedFlavor',
  'compute.attachmentDeleteFlag',
  'compute.extendedServerAttributes',
  'compute.serverDescription',
  'compute.hostStatus',
];

export interface ListServersOptions {
  /** Every project's servers (admin only; Nova answers 403 otherwise). */
  allTenants?: boolean;
  /** With allTenants: only this project's. */
  projectId?: string;
  name?: string;
  status?: string;
  host?: string;
  /** Only servers changed since (ISO time), deleted ones included: for incremental sync. */
  changesSince?: string;
  /** Servers carrying all these tags (needs 2.26). */
  tags?: string[];
  limit?: number;
  signal?: AbortSignal;
}

export function listServers(compute: ServiceClient, opts: ListServersOptions = {}): Pager<Server, RawServer> {
  return new Pager(compute, {
    path: 'servers/detail',
    query: {
      all_tenants: opts.allTenants ? 1 : undefined,
      project_id: opts.projectId,
      name: opts.name,
      status: opts.status,
      host: opts.host,
      'changes-since': opts.changesSince,
      tags: opts.tags?.join(','),
    },
    key: 'servers',
    item: RawServer,
    map: toServer,
    limit: opts.limit,
    markerOf: (s) => s.id,
    features: SERVER_FEATURES,
    ...(opts.tags ? { requireFeatures: ['compute.serverTags'] as const } : {}),
    signal: opts.signal,
  });
}

export async function getServer(compute: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Server> {
  const res = await compute.get(`servers/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ server: RawServer }),
    features: SERVER_FEATURES,
    signal: opts.signal,
  });
  return toServer(res.body.server);
}

export interface CreateServerRequest {
  name: string;
  flavorId: string;
  /** Omit when booting from a volume (blockDeviceMappings). */
  imageId?: string;
  /** Network ids or port ids; "none"/"auto" need microversion 2.37. */
  networks?: { networkId?: string; portId?: string; fixedIp?: string }[] | 'none' | 'auto';
  keyName?: string;
  availabilityZone?: string;
  metadata?: Record<string, string>;
  securityGroups?: string[];
  /** Passed as block_device_mapping_v2 (OpenStack's keys). */
  blockDeviceMappings?: Record<string, unknown>[];
  userData?: string;
}

export async function createServer(compute: ServiceClient, req: CreateServerRequest, opts: { signal?: AbortSignal } = {}): Promise<{ id: string }> {
  const networks =
    typeof req.networks === 'string'
      ? req.networks
      : req.networks?.map((n) => ({ ...(n.networkId ? { uuid: n.networkId } : {}), ...(n.portId ? { port: n.portId } : {}), ...(n.fixedIp ? { fixed_ip: n.fixedIp } : {}) }));
  const server: Record<string, unknown> = {
    name: req.name,
    flavorRef: req.flavorId,
    ...(req.imageId ? { imageRef: req.imageId } : {}),
    ...(networks ? { networks } : {}),
    ...(req.keyName ? { key_name: req.keyName } : {}),
    ...(req.availabilityZone ? { availability_zone: req.availabilityZone } : {}),
    ...(req.metadata ? { metadata: req.metadata } : {}),
    ...(req.securityGroups ? { security_groups: req.securityGroups.map((name) => ({ name })) } : {}),
    ...(req.blockDeviceMappings ? { block_device_mapping_v2: req.blockDeviceMappings } : {}),
    ...(req.userData ? { user_data: Buffer.from(req.userData).toString('base64') } : {}),
  };
  const res = await compute.post('servers', { server }, {
    ok: [202],
    schema: z.looseObject({ server: z.looseObject({ id: z.string() }) }),
    ...(typeof req.networks === 'string' ? { requireFeatures: ['compute.autoNetworks'] as const } : {}),
    signal: opts.signal,
  });
  return { id: res.body.server.id };
}

export async function deleteServer(compute: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await compute.delete(`servers/${encodeURIComponent(id)}`, { ok: [204], signal: opts.signal });
}

type ServerWait = Omit<WaitOptions<Server>, 'until'> & { until?: WaitOptions<Server>['until'] };

/** Waits for a status (default ACTIVE); fails on ERROR. */
export function waitForServerStatus(compute: ServiceClient, id: string, status: string, opts: ServerWait): Promise<Server> {
  return waitFor((signal) => getServer(compute, id, signal ? { signal } : {}), {
    until: (s) => s.status === status,
    failOn: (s) => (s.status === 'ERROR' ? `server ${id} went to ERROR` : undefined),
    stateOf: (s) => `${s.status}${s.taskState ? `/${s.taskState}` : ''}`,
    describe: `server ${id} to become ${status}`,
    ...opts,
  });
}

/** Waits until Nova no longer knows the server. */
export function waitForServerDeleted(compute: ServiceClient, id: string, opts: Omit<WaitOptions<Server | null>, 'until'>): Promise<Server | null> {
  return waitFor((signal) => orNullIfNotFound(getServer(compute, id, signal ? { signal } : {})), {
    until: (s) => s === null || s.status === 'DELETED',
    failOn: (s) => (s?.status === 'ERROR' ? `server ${id} went to ERROR while deleting` : undefined),
    describe: `server ${id} to be deleted`,
    ...opts,
  });
}
