import { z } from 'zod';

/** Inventory as stored by a sync and shown by the UI. Ids are OpenStack's; times ISO strings. */
export const ResourceKind = z.enum([
  'domain',
  'project',
  'instance',
  'flavor',
  'keypair',
  'image',
  'volume',
  'snapshot',
  'volumeType',
  'network',
  'availabilityZone',
]);
export type ResourceKind = z.infer<typeof ResourceKind>;

export const Domain = z.object({ id: z.string(), name: z.string(), enabled: z.boolean() });
export const Project = z.object({ id: z.string(), name: z.string(), domainId: z.string().nullable(), enabled: z.boolean() });

export const InstanceAddress = z.object({ network: z.string(), ip: z.string(), type: z.string().nullable(), mac: z.string().nullable() });
export const InstanceVolume = z.object({
  id: z.string(),
  /** Cinder's name for it, when the volume is in the inventory */
  name: z.string().nullable(),
  device: z.string().nullable(),
  sizeGb: z.number().nullable(),
  volumeType: z.string().nullable(),
  /** the storage backend (volume_backend_name of its type), e.g. "ceph" */
  backend: z.string().nullable(),
  bootable: z.boolean(),
});
export const BootSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), imageId: z.string().nullable(), imageName: z.string().nullable() }),
  z.object({ kind: z.literal('volume'), volumeId: z.string().nullable() }),
]);

export const Instance = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  projectName: z.string().nullable(),
  domainId: z.string().nullable(),
  status: z.string(),
  powerState: z.string().nullable(),
  /** compute host (OS-EXT-SRV-ATTR:host), admins only */
  host: z.string().nullable(),
  hypervisorHostname: z.string().nullable(),
  /** libvirt domain name (OS-EXT-SRV-ATTR:instance_name), admins only */
  instanceName: z.string().nullable(),
  availabilityZone: z.string().nullable(),
  flavor: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    vcpus: z.number().nullable(),
    ramMb: z.number().nullable(),
    diskGb: z.number().nullable(),
  }),
  /** the Access Key (Nova keypair name) */
  keyName: z.string().nullable(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  addresses: z.array(InstanceAddress),
  securityGroups: z.array(z.string()),
  volumes: z.array(InstanceVolume),
  bootSource: BootSource,
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type Instance = z.infer<typeof Instance>;

export const Flavor = z.object({
  id: z.string(),
  name: z.string(),
  vcpus: z.number(),
  ramMb: z.number(),
  diskGb: z.number(),
  isPublic: z.boolean(),
  extraSpecs: z.record(z.string(), z.string()),
});
export const Keypair = z.object({ name: z.string(), type: z.string().nullable(), fingerprint: z.string().nullable(), userId: z.string().nullable() });
export const Image = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  diskFormat: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  visibility: z.string().nullable(),
  ownerProjectId: z.string().nullable(),
});
export const Volume = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  sizeGb: z.number(),
  volumeType: z.string().nullable(),
  backend: z.string().nullable(),
  bootable: z.boolean(),
  projectId: z.string().nullable(),
  attachedTo: z.array(z.object({ serverId: z.string(), device: z.string().nullable() })),
});
export const Snapshot = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  volumeId: z.string(),
  sizeGb: z.number(),
  projectId: z.string().nullable(),
  createdAt: z.string().nullable(),
});
export const VolumeType = z.object({ id: z.string(), name: z.string(), backend: z.string().nullable(), isPublic: z.boolean() });
export const Network = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string().nullable(),
  external: z.boolean(),
  shared: z.boolean(),
  status: z.string(),
  subnets: z.array(z.object({ id: z.string(), cidr: z.string(), name: z.string() })),
});
export const AvailabilityZone = z.object({ name: z.string(), service: z.enum(['compute', 'volume']), available: z.boolean() });
export const Hypervisor = z.object({
  hostname: z.string(),
  /** the compute host name Nova uses in OS-EXT-SRV-ATTR:host */
  serviceHost: z.string().nullable(),
  state: z.string().nullable(),
  status: z.string().nullable(),
  type: z.string().nullable(),
  hostIp: z.string().nullable(),
  runningVms: z.number().nullable(),
});
export type Hypervisor = z.infer<typeof Hypervisor>;

/** The SSH settings of a hypervisor as a client sees them: never the password or key. */
export const HypervisorSsh = z.object({
  address: z.string().nullable(),
  port: z.number().int(),
  user: z.string().nullable(),
  auth: z.enum(['key', 'password']).nullable(),
  /**
   * The stored private key's type and fingerprint ("SHA256:…" as `ssh-keygen -lf` prints it), null
   * without one. The key (and a password) is write-only: it never leaves the core.
   */
  key: z.object({ type: z.string(), fingerprint: z.string() }).nullable(),
  /** the pinned host key ("ssh-ed25519 SHA256:…"); a different key is refused */
  hostKey: z.string().nullable(),
  /** disk transfer: through SSH, or directly over TLS on a port range of the host */
  transfer: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('ssh') }),
    z.object({ kind: z.literal('direct'), address: z.string().nullable(), ports: z.tuple([z.number().int(), z.number().int()]) }),
  ]),
});
export type HypervisorSsh = z.infer<typeof HypervisorSsh>;

/** One row of the instance table: what the list shows and searches; the detail loads the rest. */
export const InstanceSummary = Instance.pick({
  id: true,
  name: true,
  projectId: true,
  projectName: true,
  domainId: true,
  status: true,
  host: true,
  availabilityZone: true,
  tags: true,
}).extend({
  providerId: z.string(),
  providerName: z.string(),
  flavorName: z.string().nullable(),
  /** every address of every network, fixed and floating */
  ips: z.array(z.string()),
  diskCount: z.number().int(),
  /** when the newest restore point of the instance in any destination was taken; null: never backed up */
  lastBackupAt: z.string().nullable(),
  /** the protection policy it belongs to (one at most); null: none */
  policyName: z.string().nullable(),
  vanishedAt: z.string().nullable(),
});
export type InstanceSummary = z.infer<typeof InstanceSummary>;

/** One node of the inventory tree (provider → domain → project → instance), loaded a level at a time. */
export const InventoryNode = z.object({
  kind: z.enum(['domain', 'project', 'instance']),
  id: z.string(),
  name: z.string(),
  /** projects of a domain, instances of a project; null for instances */
  count: z.number().int().nullable(),
  status: z.string().nullable(),
});
export type InventoryNode = z.infer<typeof InventoryNode>;

/** A flavor, keypair, network … as a picker or a detail view gets it (data: the kind's own shape above). */
export const ResourceItem = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  vanishedAt: z.string().nullable(),
});
export type ResourceItem = z.infer<typeof ResourceItem>;

/** A compute host with the SSH settings the libvirt strategy uses (never the secret). */
export const HypervisorItem = z.object({ hostname: z.string(), data: Hypervisor, ssh: HypervisorSsh, vanishedAt: z.string().nullable() });
export type HypervisorItem = z.infer<typeof HypervisorItem>;

/** What a hypervisor's connection test found (`hypervisors.test`): SSH, its host key, libvirt and the tools backups run. */
export const HypervisorTest = z.object({
  hostname: z.string(),
  ok: z.boolean(),
  /** the host key the connection saw ("ssh-ed25519 SHA256:…"), null when it did not get that far */
  hostKey: z.string().nullable(),
  /** true when this test pinned the key (none was pinned before) */
  pinnedNow: z.boolean(),
  /** `virsh version` as the host answers it */
  libvirt: z.string().nullable(),
  tools: z.array(z.object({ name: z.string(), path: z.string().nullable(), neededFor: z.string() })),
  /** each one says what is wrong and what to do */
  problems: z.array(z.string()),
});
export type HypervisorTest = z.infer<typeof HypervisorTest>;
