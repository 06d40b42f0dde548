// Wire objects for the mock cloud, shaped like Zed's answers, and a small standard cloud.
import { ProviderClient } from '../core/provider-client';
import { MockCloud, type MockCloudOptions } from './mock-cloud';

type Wire = Record<string, unknown>;

const iso = (n: number): string => new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

export function addDomain(cloud: MockCloud, id: string, name: string): void {
  cloud.domains.push({ id, name, enabled: true, description: `${name} domain` });
}

export function addProject(cloud: MockCloud, id: string, name: string, domainId: string): void {
  cloud.projects.push({ id, name, domain_id: domainId, enabled: true, description: '', parent_id: domainId, is_domain: false, tags: [] });
}

export function addUser(
  cloud: MockCloud,
  user: { id: string; name: string; domainId: string; password: string; defaultProjectId?: string },
  grants: [scopeId: string, ...roles: string[]][],
): void {
  cloud.users.push(user);
  const map = new Map<string, string[]>();
  for (const [scopeId, ...roles] of grants) map.set(scopeId, roles);
  cloud.assignments.set(user.id, map);
}

export interface ServerSpec {
  id: string;
  name: string;
  projectId: string;
  userId?: string;
  host?: string;
  flavor?: { id: string; name: string; vcpus: number; ram: number; disk: number; extraSpecs?: Record<string, string> };
  imageId?: string;
  keyName?: string;
  tags?: string[];
  metadata?: Record<string, string>;
  volumeIds?: string[];
  zone?: string;
  status?: string;
  network?: string;
  updated?: string;
  seq?: number;
}

export function makeServer(s: ServerSpec): Wire {
  const flavor = s.flavor ?? { id: 'f-tiny', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 };
  const seq = s.seq ?? 1;
  return {
    id: s.id,
    name: s.name,
    status: s.status ?? 'ACTIVE',
    tenant_id: s.projectId,
    user_id: s.userId ?? 'u-admin',
    created: iso(seq),
    updated: s.updated ?? iso(seq + 1),
    hostId: 'a'.repeat(56),
    description: null,
    _flavorId: flavor.id,
    flavor: { original_name: flavor.name, vcpus: flavor.vcpus, ram: flavor.ram, disk: flavor.disk, ephemeral: 0, swap: 0, extra_specs: flavor.extraSpecs ?? {} },
    image: s.imageId ? { id: s.imageId, links: [] } : '',
    key_name: s.keyName ?? null,
    metadata: s.metadata ?? {},
    tags: s.tags ?? [],
    addresses: {
      [s.network ?? 'net']: [
        { version: 4, addr: `10.0.${Math.floor(seq / 250) % 250}.${(seq % 250) + 2}`, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' },
      ],
    },
    'os-extended-volumes:volumes_attached': (s.volumeIds ?? []).map((id, i) => ({ id, delete_on_termination: i === 0 && !s.imageId })),
    security_groups: [{ name: 'default' }],
    'OS-EXT-AZ:availability_zone': s.zone ?? 'nova',
    'OS-EXT-SRV-ATTR:host': s.host ?? 'compute-1',
    'OS-EXT-SRV-ATTR:instance_name': `instance-${seq.toString(16).padStart(8, '0')}`,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': `${s.host ?? 'compute-1'}.example.org`,
    'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
    'OS-EXT-STS:vm_state': 'active',
    'OS-EXT-STS:task_state': null,
    'OS-EXT-STS:power_state': 1,
    'OS-SRV-USG:launched_at': iso(seq + 1),
    host_status: 'UP',
    locked: false,
  };
}

export interface VolumeSpec {
  id: string;
  name: string;
  projectId: string;
  size?: number;
  serverId?: string;
  bootable?: boolean;
  type?: string;
  backend?: string;
  imageId?: string;
  seq?: number;
}

export function makeVolume(v: VolumeSpec): Wire {
  return {
    id: v.id,
    name: v.name,
    status: v.serverId ? 'in-use' : 'available',
    size: v.size ?? 1,
    availability_zone: 'nova',
    bootable: v.bootable ? 'true' : 'false',
    volume_type: v.type ?? 'ceph-rbd',
    volume_type_id: 'vt-ceph',
    attachments: v.serverId
      ? [{ server_id: v.serverId, attachment_id: `att-${v.id}`, volume_id: v.id, device: '/dev/vdb', host_name: 'compute-1', attached_at: iso(v.seq ?? 1), id: v.id }]
      : [],
    'os-vol-host-attr:host': `cinder-vol@${v.backend ?? 'ceph'}#${v.backend ?? 'ceph'}`,
    'os-vol-tenant-attr:tenant_id': v.projectId,
    user_id: 'u-admin',
    metadata: {},
    ...(v.imageId ? { volume_image_metadata: { image_id: v.imageId, image_name: 'cirros', min_disk: '1' } } : {}),
    encrypted: false,
    multiattach: false,
    snapshot_id: null,
    source_volid: null,
    description: null,
    created_at: iso(v.seq ?? 1),
    updated_at: iso((v.seq ?? 1) + 1),
    replication_status: null,
    group_id: null,
  };
}

export function makeSnapshot(id: string, name: string, volumeId: string, projectId: string): Wire {
  return {
    id,
    name,
    status: 'available',
    size: 1,
    volume_id: volumeId,
    description: null,
    created_at: iso(5),
    updated_at: iso(6),
    metadata: {},
    'os-extended-snapshot-attributes:project_id': projectId,
    'os-extended-snapshot-attributes:progress': '100%',
    user_id: 'u-admin',
  };
}

export function makeImage(id: string, name: string, owner: string, visibility = 'public', extra: Wire = {}): Wire {
  return {
    id,
    name,
    status: 'active',
    visibility,
    owner,
    disk_format: 'qcow2',
    container_format: 'bare',
    size: 16_338_944,
    virtual_size: 117_440_512,
    min_disk: 0,
    min_ram: 0,
    checksum: '0'.repeat(32),
    os_hash_algo: 'sha512',
    os_hash_value: 'f'.repeat(128),
    protected: false,
    os_hidden: false,
    tags: [],
    created_at: iso(1),
    updated_at: iso(2),
    file: `/v2/images/${id}/file`,
    self: `/v2/images/${id}`,
    schema: '/v2/schemas/image',
    stores: 'file',
    ...extra,
  };
}

/**
 * Two domains, four projects, an admin, a member with a default project, a member of two acme
 * projects without a default project, and a few resources of each kind.
 */
export function standardCloud(options: MockCloudOptions = {}): MockCloud {
  const cloud = new MockCloud(options);
  addDomain(cloud, 'd-acme', 'acme');
  addProject(cloud, 'p-admin', 'admin', 'default');
  addProject(cloud, 'p-demo', 'demo', 'default');
  addProject(cloud, 'p-prod', 'acme-prod', 'd-acme');
  addProject(cloud, 'p-dev', 'acme-dev', 'd-acme');
  addUser(cloud, { id: 'u-admin', name: 'admin', domainId: 'default', password: 'admin-pass' }, [
    ['p-admin', 'admin', 'member', 'reader'],
    ['default', 'admin'],
  ]);
  addUser(cloud, { id: 'u-demo', name: 'demo', domainId: 'default', password: 'demo-pass', defaultProjectId: 'p-demo' }, [['p-demo', 'member', 'reader']]);
  addUser(cloud, { id: 'u-acme', name: 'acme-user', domainId: 'd-acme', password: 'acme-user-pass' }, [
    ['p-prod', 'member'],
    ['p-dev', 'member', 'reader'],
    ['d-acme', 'reader'],
  ]);
  cloud.applicationCredentials.push({ id: 'ac-1', secret: 'ac-secret', userId: 'u-demo', projectId: 'p-demo', roles: ['member'] });

  const bfv = { id: 'f-bfv', name: 'b1.bfv', vcpus: 1, ram: 512, disk: 0, extraSpecs: { 'quota:disk_read_bytes_sec': '104857600' } };
  cloud.flavors.push(
    { id: 'f-tiny', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1, 'OS-FLV-EXT-DATA:ephemeral': 0, swap: '', rxtx_factor: 1, 'os-flavor-access:is_public': true, 'OS-FLV-DISABLED:disabled': false, description: null, extra_specs: {} },
    { id: 'f-small', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, 'OS-FLV-EXT-DATA:ephemeral': 0, swap: 512, rxtx_factor: 1, 'os-flavor-access:is_public': true, 'OS-FLV-DISABLED:disabled': false, description: 'small', extra_specs: { 'hw:cpu_policy': 'shared' } },
    { id: 'f-bfv', name: 'b1.bfv', vcpus: 1, ram: 512, disk: 0, 'OS-FLV-EXT-DATA:ephemeral': 0, swap: '', rxtx_factor: 1, 'os-flavor-access:is_public': false, 'OS-FLV-DISABLED:disabled': false, description: null, extra_specs: bfv.extraSpecs },
  );
  cloud.keypairs.push(
    { name: 'admin-key', type: 'ssh', fingerprint: 'aa:bb', public_key: 'ssh-ed25519 AAAA admin', user_id: 'u-admin' },
    { name: 'demo-key', type: 'ssh', fingerprint: 'cc:dd', public_key: 'ssh-ed25519 AAAA demo', user_id: 'u-demo' },
  );
  cloud.hypervisors.push(
    { id: 'hv-uuid-1', _intId: 1, _zone: 'nova', hypervisor_hostname: 'compute-1.example.org', state: 'up', status: 'enabled', hypervisor_type: 'QEMU', hypervisor_version: 7002000, host_ip: '192.0.2.11', service: { host: 'compute-1', id: 'svc-1', disabled_reason: null }, vcpus: 16, vcpus_used: 3, memory_mb: 65536, memory_mb_used: 4096, local_gb: 500, local_gb_used: 20, running_vms: 3 },
    { id: 'hv-uuid-2', _intId: 2, _zone: 'raw', hypervisor_hostname: 'compute-2.example.org', state: 'up', status: 'enabled', hypervisor_type: 'QEMU', hypervisor_version: 7002000, host_ip: '192.0.2.12', service: { host: 'compute-2', id: 'svc-2', disabled_reason: null }, vcpus: 16, vcpus_used: 1, memory_mb: 65536, memory_mb_used: 512, local_gb: 500, local_gb_used: 1, running_vms: 1 },
  );
  cloud.servers.push(
    makeServer({ id: 's-web', name: 'demo-web-1', projectId: 'p-demo', userId: 'u-demo', imageId: 'img-cirros', keyName: 'demo-key', tags: ['web', 'backup-daily'], metadata: { role: 'web' }, volumeIds: ['v-data'], seq: 1, network: 'demo-net' }),
    makeServer({ id: 's-bfv', name: 'demo-bfv-1', projectId: 'p-demo', userId: 'u-demo', flavor: bfv, keyName: 'demo-key', tags: ['boot-from-volume'], volumeIds: ['v-boot'], seq: 2, network: 'demo-net' }),
    makeServer({ id: 's-app', name: 'acme-app-1', projectId: 'p-prod', host: 'compute-2', zone: 'raw', imageId: 'img-golden', tags: ['prod'], metadata: { app: 'erp' }, seq: 3, network: 'acme-net' }),
  );
  cloud.volumeTypes.push(
    { id: 'vt-ceph', name: 'ceph-rbd', description: 'Ceph RBD', is_public: true, 'os-volume-type-access:is_public': true, extra_specs: { volume_backend_name: 'ceph' }, qos_specs_id: null },
    { id: 'vt-default', name: '__DEFAULT__', description: 'Default Volume Type', is_public: true, 'os-volume-type-access:is_public': true, extra_specs: {}, qos_specs_id: null },
  );
  cloud.volumes.push(
    makeVolume({ id: 'v-data', name: 'demo-data', projectId: 'p-demo', serverId: 's-web', seq: 1 }),
    makeVolume({ id: 'v-boot', name: 'demo-boot', projectId: 'p-demo', serverId: 's-bfv', bootable: true, imageId: 'img-cirros', seq: 2 }),
    makeVolume({ id: 'v-db', name: 'acme-db', projectId: 'p-prod', size: 2, seq: 3 }),
  );
  cloud.snapshots.push(makeSnapshot('snap-1', 'demo-data-snap-1', 'v-data', 'p-demo'), makeSnapshot('snap-2', 'acme-db-nightly', 'v-db', 'p-prod'));
  cloud.images.push(
    makeImage('img-cirros', 'cirros', 'p-admin', 'public', { os_distro: 'cirros', hw_disk_bus: 'virtio' }),
    makeImage('img-golden', 'acme-golden', 'p-prod', 'private', { block_device_mapping: [{ boot_index: 0 }] }),
  );
  cloud.networks.push(
    { id: 'n-public', name: 'public', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': true, subnets: ['sn-public'], project_id: 'p-admin', tenant_id: 'p-admin', mtu: 1500, 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1', 'provider:segmentation_id': null, tags: [] },
    { id: 'n-demo', name: 'demo-net', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': false, subnets: ['sn-demo'], project_id: 'p-demo', tenant_id: 'p-demo', mtu: 1450, 'provider:network_type': 'vxlan', 'provider:physical_network': null, 'provider:segmentation_id': 1001, tags: [] },
  );
  cloud.subnets.push(
    { id: 'sn-public', name: 'public-subnet', network_id: 'n-public', cidr: '203.0.113.0/24', ip_version: 4, gateway_ip: '203.0.113.1', enable_dhcp: false, allocation_pools: [{ start: '203.0.113.10', end: '203.0.113.200' }], dns_nameservers: [], host_routes: [], project_id: 'p-admin' },
    { id: 'sn-demo', name: 'demo-subnet', network_id: 'n-demo', cidr: '10.0.1.0/24', ip_version: 4, gateway_ip: '10.0.1.1', enable_dhcp: true, allocation_pools: [{ start: '10.0.1.2', end: '10.0.1.254' }], dns_nameservers: ['192.0.2.53'], host_routes: [], project_id: 'p-demo' },
  );
  cloud.ports.push({ id: 'port-web', name: '', network_id: 'n-demo', device_id: 's-web', device_owner: 'compute:nova', mac_address: 'fa:16:3e:00:00:01', fixed_ips: [{ subnet_id: 'sn-demo', ip_address: '10.0.1.5' }], status: 'ACTIVE', admin_state_up: true, security_groups: ['sg-web'], project_id: 'p-demo', 'binding:host_id': 'compute-1', 'binding:vif_type': 'ovs', 'binding:vnic_type': 'normal' });
  cloud.securityGroups.push({ id: 'sg-web', name: 'web', description: 'web servers', project_id: 'p-demo', stateful: true, tags: [], security_group_rules: [{ id: 'r1', direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', port_range_min: 443, port_range_max: 443, remote_ip_prefix: '0.0.0.0/0', remote_group_id: null }] });
  return cloud;
}

/** Clients of the standard cloud's admin (project admin) and demo user (default project). */
export const adminClient = (cloud: MockCloud): ProviderClient => new ProviderClient(cloud.providerOptions());
export const demoClient = (cloud: MockCloud): ProviderClient =>
  new ProviderClient(cloud.providerOptions({ credentials: { kind: 'password', username: 'demo', userDomainName: 'Default', password: 'demo-pass' }, scope: undefined }));
