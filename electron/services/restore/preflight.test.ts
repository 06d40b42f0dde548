import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestoreInstanceParams } from '../../../shared/domain/backups';
import type { PreflightItem } from '../../../shared/domain/restore-preflight';
import * as os from '../../openstack';
import { adminClient, demoClient, standardCloud } from '../../openstack/testing/fixtures';
import type { MockCloud } from '../../openstack/testing/mock-cloud';
import { collectInstanceMetadata } from '../backup/metadata';
import type { InstanceBackupMetadata } from './backup-metadata';
import { preflightLibvirt, preflightNova } from './preflight';

// Each pre-flight check against the MockAgent cloud: demo-web-1's restore point (a local boot disk
// vda from the cirros image, an RBD volume vdb) restored by the demo user into its project.
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
let cloud: MockCloud;
let clients: os.ProviderClient[];

beforeEach(() => {
  cloud = standardCloud();
  clients = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cloud.close();
});

/** demo-web-1 as its restore point records it, read from the cloud as the backup does. */
async function demoWeb(vdaBytes = 512 * MiB): Promise<InstanceBackupMetadata> {
  const admin = adminClient(cloud);
  clients.push(admin);
  const server = await os.getServer(await admin.compute(), 's-web');
  const meta = await collectInstanceMetadata(admin, server);
  return {
    strategy: 'libvirt-ssh',
    createdAt: '2026-12-01T10:00:00.000Z',
    providerId: 'mock',
    cloud: null,
    serverId: server.id,
    serverName: server.name,
    host: 'compute-1',
    server,
    flavor: meta.nova.flavor,
    image: meta.glance.image,
    volumes: meta.cinder.volumes,
    ports: meta.neutron.ports,
    disks: [
      { target: 'vda', bus: 'virtio', kind: 'file', format: 'qcow2', serial: null, size: vdaBytes, path: '/var/lib/nova/instances/s-web/disk' },
      {
        target: 'vdb',
        bus: 'virtio',
        kind: 'rbd',
        format: 'raw',
        serial: 'v-data',
        size: GiB,
        pool: 'volumes',
        image: 'volume-v-data',
        rbdUser: 'cinder',
      },
    ],
    domainXml: '<domain type="kvm"><name>instance-00000001</name></domain>',
  };
}

async function check(
  params: Partial<RestoreInstanceParams>,
  o: { backup?: InstanceBackupMetadata; client?: os.ProviderClient; projectId?: string } = {},
): Promise<PreflightItem[]> {
  const client = o.client ?? demoClient(cloud);
  clients.push(client);
  const backup = o.backup ?? (await demoWeb());
  return preflightNova({
    client,
    backup,
    params: RestoreInstanceParams.parse({ backupId: 's-web/2026-12-01T10-00-00.000Z', ...params }),
    projectId: o.projectId ?? 'p-demo',
  });
}

const blockers = (items: PreflightItem[]) => items.filter((i) => i.severity === 'blocker');
const of = (items: PreflightItem[], field: PreflightItem['field']) => items.filter((i) => i.field === field);

describe('the pre-flight of a restore through Nova', () => {
  it('finds nothing blocking a restore of the original as it was, and says what will happen', async () => {
    const items = await check({});
    expect(blockers(items)).toEqual([]);
    expect(of(items, 'name')[0]).toMatchObject({ severity: 'info', message: 'The instance is restored as "demo-web-1-restored-2026-12-01".' });
    expect(of(items, 'flavor')[0]).toMatchObject({ severity: 'info', item: 'Flavor m1.tiny' });
    expect(of(items, 'network')[0]?.message).toBe('NIC 0 on demo-net.');
    expect(of(items, 'keypair')[0]).toMatchObject({ severity: 'info', item: 'Key pair demo-key' });
  });

  it('warns of a name already used in the project', async () => {
    const items = await check({ name: 'demo-web-1' });
    expect(of(items, 'name')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/already has a server named "demo-web-1".*Choose another name/),
      }),
    ]);
  });

  it('blocks a flavor that does not exist, or whose root disk is smaller than the boot disk; warns of less RAM', async () => {
    expect(blockers(await check({ flavor: 'm9.huge' }))).toEqual([
      expect.objectContaining({ field: 'flavor', message: expect.stringMatching(/No flavor "m9.huge".*m1.tiny, m1.small/) }),
    ]);
    const big = await demoWeb(2 * GiB);
    expect(blockers(await check({}, { backup: big }))).toEqual([
      expect.objectContaining({
        field: 'flavor',
        message: "m1.tiny's root disk (1 GiB) is smaller than the backup's boot disk vda (2 GiB): choose a flavor with at least 2 GiB.",
      }),
    ]);
    expect(blockers(await check({ flavor: 'm1.small' }, { backup: big }))).toEqual([]);
    // the original had more RAM than the chosen flavor: it works, and is said
    const b = await demoWeb();
    b.flavor = { ...b.flavor!, ramMiB: 2048 };
    expect(of(await check({}, { backup: b }), 'flavor')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^512 MiB of RAM where the original had 2048 MiB/) }),
    ]);
  });

  it('blocks a flavor without a root disk for a local boot disk', async () => {
    cloud.flavors.find((f) => f.id === 'f-bfv')!['os-flavor-access:is_public'] = true;
    const items = await check({ flavor: 'b1.bfv' });
    expect(blockers(items)).toEqual([
      expect.objectContaining({ field: 'flavor', message: expect.stringMatching(/^b1.bfv has no root disk .* at least 1 GiB\.$/) }),
    ]);
  });

  it('blocks a NIC whose network is not in the target project, until it is mapped', async () => {
    cloud.networks.splice(
      cloud.networks.findIndex((n) => n.id === 'n-demo'),
      1,
    );
    cloud.networks.push({
      id: 'n-shared',
      name: 'shared-net',
      shared: true,
      status: 'ACTIVE',
      admin_state_up: true,
      subnets: [],
      project_id: 'p-admin',
      tags: [],
    });
    expect(blockers(await check({}))).toEqual([
      expect.objectContaining({
        field: 'network',
        message: 'The original network of NIC 0 (demo-net) is not in the target project: map it to one that is (--network 0=NET).',
      }),
    ]);
    expect(blockers(await check({ networks: [{ from: 'demo-net', to: 'shared-net' }] }))).toEqual([]);
    expect(blockers(await check({ networks: [{ from: 0, to: 'n-shared' }] }))).toEqual([]);
    expect(blockers(await check({ network: 'shared-net' }))).toEqual([]);
    expect(
      blockers(
        await check({
          networks: [
            { from: 3, to: 'shared-net' },
            { from: 0, to: 'nowhere' },
          ],
        }),
      ).map((i) => i.message),
    ).toEqual([
      'The original instance has no NIC 3: its NICs are NIC 0 (demo-net).',
      'No network "nowhere" in the target project for NIC 0 (demo-net): choose one it has.',
    ]);
  });

  it("keeps a NIC's fixed IP when it is free in the target network, and says when it is not: a new address", async () => {
    // the original still runs: its port holds the address
    expect(of(await check({}), 'network')[1]).toMatchObject({
      severity: 'warning',
      item: 'NIC 0 (demo-net) address',
      message: 'Its fixed IP 10.0.1.5 is not kept (port port-web (of s-web) uses it): the NIC gets a new address from demo-net.',
    });
    // mapped to another project's shared network: Neutron lets only an admin or its owner choose an address there
    cloud.networks.find((n) => n.id === 'n-public')!.shared = true;
    expect(of(await check({ network: 'public' }), 'network')[1]?.message).toBe(
      "Its fixed IP 10.0.1.5 is not kept (only an admin or the network's own project may choose an address in it): the NIC gets a new address from public.",
    );
    // an admin may, but its subnets do not hold the address
    const admin = await check({ network: 'public' }, { client: adminClient(cloud), projectId: 'p-admin' });
    expect(of(admin, 'network')[1]?.message).toBe(
      'Its fixed IP 10.0.1.5 is not kept (it is in no subnet of the target network): the NIC gets a new address from public.',
    );
    // the original is gone (its port with it): the address is free again
    const b = await demoWeb();
    cloud.ports.splice(0, cloud.ports.length);
    expect(of(await check({}, { backup: b }), 'network')[1]).toMatchObject({ severity: 'info', message: 'Keeps its fixed IP 10.0.1.5 in demo-net.' });
  });

  it('restores only the disks asked for, the boot disk always among them', async () => {
    expect(blockers(await check({ disks: ['vdb'] }))).toEqual([
      expect.objectContaining({
        field: 'disks',
        message: 'The boot disk vda is always restored (the instance starts from it): add it to the disks (--disk vda).',
      }),
    ]);
    expect(blockers(await check({ disks: ['vda', 'vdz'] })).map((i) => i.message)).toEqual(['The restore point has no disk vdz: its disks are vda, vdb.']);
    // vdb left out: no volume is created, so a full volume quota does not block
    cloud.quotas.set('p-demo', { volumes: 2 });
    expect(blockers(await check({}))).toEqual([expect.objectContaining({ item: 'Quota: volumes' })]);
    const items = await check({ disks: ['vda'] });
    expect(blockers(items)).toEqual([]);
    expect(of(items, 'disks')).toEqual([expect.objectContaining({ severity: 'info', message: 'Left out (not restored): vdb.' })]);
    expect(of(items, 'volumeType')).toEqual([]);
  });

  it("maps each restored volume's type, blocking one the target cloud lacks or a disk that gets no volume", async () => {
    expect(of(await check({}), 'volumeType')).toEqual([expect.objectContaining({ severity: 'info', item: 'Disk vdb', message: 'A new volume of type ceph-rbd.' })]);
    expect(of(await check({ volumeTypes: [{ disk: 'vdb', type: '__DEFAULT__' }] }), 'volumeType')).toEqual([
      expect.objectContaining({ severity: 'info', message: 'A new volume of type __DEFAULT__.' }),
    ]);
    expect(blockers(await check({ volumeTypes: [{ disk: 'vdb', type: 'gold' }] }))).toEqual([
      expect.objectContaining({ field: 'volumeType', message: 'No volume type "gold" in the target cloud for disk vdb: choose one of ceph-rbd, __DEFAULT__.' }),
    ]);
    // the original's type is missing in the target: mapping it to one that exists resolves it
    const b = await demoWeb();
    b.volumes = b.volumes.map((v) => ({ ...v, volumeType: 'gold' }));
    expect(blockers(await check({ volumeTypes: [{ disk: 'vdb', type: 'vt-ceph' }] }, { backup: b }))).toEqual([]);
    expect(blockers(await check({ volumeTypes: [{ disk: 'vda', type: 'ceph-rbd' }] })).map((i) => i.message)).toEqual([
      'Disk vda is a local disk of the server (its flavor gives it), not a volume: it takes no volume type. Drop its volume type.',
    ]);
    expect(blockers(await check({ disks: ['vda'], volumeTypes: [{ disk: 'vdb', type: 'ceph-rbd' }] })).map((i) => i.message)).toEqual([
      'Disk vdb is left out of the restore: it gets no volume, so no volume type. Restore it too, or drop its volume type.',
    ]);
  });

  it('checks the availability zone asked for; the original one missing in the target is left to the scheduler', async () => {
    expect(of(await check({}), 'availabilityZone')).toEqual([expect.objectContaining({ severity: 'info', item: 'Availability zone nova' })]);
    expect(of(await check({ availabilityZone: 'raw' }), 'availabilityZone')).toEqual([
      expect.objectContaining({ severity: 'info', message: 'The instance is created in this zone.' }),
    ]);
    expect(blockers(await check({ availabilityZone: 'moon' }))).toEqual([
      expect.objectContaining({ field: 'availabilityZone', message: 'No availability zone "moon" in the target cloud: choose one of nova, raw.' }),
    ]);
    const b = await demoWeb();
    b.server = { ...b.server, availabilityZone: 'az-elsewhere' };
    expect(of(await check({}, { backup: b }), 'availabilityZone')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^The original's zone "az-elsewhere" is not in the target cloud: the scheduler picks one/) }),
    ]);
  });

  it('blocks a missing key pair that was asked for; warns when the original one is not this user’s; none is said', async () => {
    expect(blockers(await check({ keypair: 'nope' }))).toEqual([
      expect.objectContaining({ field: 'keypair', message: expect.stringMatching(/"nope" does not exist for this user/) }),
    ]);
    expect(of(await check({ keypair: null }), 'keypair')).toEqual([
      expect.objectContaining({ severity: 'info', message: 'None: the instance is restored without a key pair.' }),
    ]);
    const asAdmin = await check({}, { client: adminClient(cloud), projectId: 'p-admin' });
    expect(of(asAdmin, 'keypair')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/original key pair "demo-key" is not available/) }),
    ]);
  });

  it('blocks security groups the target project does not have', async () => {
    expect(blockers(await check({ securityGroups: ['web'] }))).toEqual([]);
    expect(blockers(await check({ securityGroups: ['web', 'db'] }))).toEqual([
      expect.objectContaining({ field: 'securityGroups', item: 'Security group db' }),
    ]);
    expect(of(await check({}), 'securityGroups')[0]).toMatchObject({ severity: 'info' });
  });

  it('blocks a volume type the target cloud lacks', async () => {
    const b = await demoWeb();
    b.volumes = b.volumes.map((v) => ({ ...v, volumeType: 'gold' }));
    expect(blockers(await check({}, { backup: b }))).toEqual([
      expect.objectContaining({ field: 'volumeType', message: expect.stringMatching(/^Disk vdb's volume type "gold" does not exist/) }),
    ]);
  });

  it('blocks a restore whose boot image is gone', async () => {
    const b = await demoWeb();
    cloud.images.splice(
      cloud.images.findIndex((i) => i.id === 'img-cirros'),
      1,
    );
    expect(blockers(await check({}, { backup: b }))).toEqual([
      expect.objectContaining({ field: 'image', message: expect.stringMatching(/img-cirros\) is gone: restore to the hypervisor/) }),
    ]);
  });

  it('blocks what the project quota cannot hold: instances, cores, RAM, volumes, gigabytes', async () => {
    expect(of(await check({}), 'quota')).toEqual([]);
    // p-demo runs 2 servers of 1 vCPU and 512 MiB, and holds 2 volumes of 1 GiB
    cloud.quotas.set('p-demo', { instances: 2, cores: 2, ramMiB: 1024, volumes: 2, gigabytes: 2 });
    expect(blockers(await check({})).map((i) => i.item)).toEqual([
      'Quota: instances',
      'Quota: cores',
      'Quota: RAM (MiB)',
      'Quota: volumes',
      'Quota: gigabytes',
    ]);
    cloud.quotas.set('p-demo', { cores: -1, gigabytes: 3 });
    const items = await check({});
    expect(blockers(items)).toEqual([]);
    cloud.quotas.set('p-demo', { gigabytes: 2 });
    expect(blockers(await check({}))).toEqual([
      expect.objectContaining({
        message: "The project uses 2 of 2 gigabytes and the restore needs 1 more: raise the project's quota, or free some.",
      }),
    ]);
  });
});

describe('the pre-flight of a restore onto a hypervisor (libvirt)', () => {
  const params = (name?: string) =>
    RestoreInstanceParams.parse({ backupId: 's-web/2026-12-01T10-00-00.000Z', target: 'libvirt', ...(name ? { name } : {}) });

  it('blocks a name libvirt refuses or the host already has, and an unreachable host', async () => {
    const b = await demoWeb();
    expect(blockers(preflightLibvirt(b, params('a/b'), 'compute-1', []))).toEqual([
      expect.objectContaining({ field: 'name', message: 'libvirt refuses a domain name with "/": choose another name.' }),
    ]);
    expect(blockers(preflightLibvirt(b, params('web\nx'), 'compute-1', []))).toHaveLength(1);
    expect(blockers(preflightLibvirt(b, params('web'), 'compute-1', ['web', 'other']))).toEqual([
      expect.objectContaining({ message: 'compute-1 already has a domain named "web": choose another name.' }),
    ]);
    expect(blockers(preflightLibvirt(b, params(), 'compute-1', new Error('No SSH settings for the hypervisor compute-1.')))).toEqual([
      expect.objectContaining({ field: 'host', message: 'No SSH settings for the hypervisor compute-1.' }),
    ]);
    expect(preflightLibvirt(b, params(), 'compute-1', ['web'])).toEqual([
      {
        severity: 'info',
        field: 'name',
        item: 'Name demo-web-1-restored-2026-12-01',
        message: 'The domain is defined on compute-1 as "demo-web-1-restored-2026-12-01" and started.',
      },
    ]);
  });
});
