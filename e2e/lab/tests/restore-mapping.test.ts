// Restores with mapping (issue 16), on the lab: a server of the Default domain's admin project with
// an RBD data volume is backed up once, then (a) restored into acme's project with the flavor, key
// pair, network and volume type mapped; (b) its data disk restored alone as a volume attached to an
// instance, byte for byte; (c) a restore into a project with a lowered quota and a too-small flavor
// is refused by the pre-flight before anything is created.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../electron/engine';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import type { SshSession } from '../../../electron/transfer/libvirt-ssh/ssh';
import { closeInstallation, manifestOf, openInstallation, restoredSha, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, connect, createServer, createVolume, deleteServer, deleteVolume, findByName, guestWrite } from './support/guests';
import { labDir, until } from './support/lab';
import { COMPUTE_MICROVERSION, type Server, type Volume } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

const suffix = Date.now().toString(36);
let os: Session;
let A: Installation;
let hypervisors: Hypervisor[];
let ssh: SshSession;
let server: Server;
let m: Manifest;
let acmeProd: string;
const typeName = `bsk-r2-type-${suffix}`;
const keyName = `bsk-r2-key-${suffix}`;
let typeId = '';
const serversToDelete: string[] = [];
const volumesToDelete: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

const getServer = async (id: string) => (await os.request<{ server: Server & { key_name: string | null } }>('compute', `/servers/${id}`, { microversion: COMPUTE_MICROVERSION })).server;
const getVolume = async (id: string) => (await os.request<{ volume: Volume & { volume_type: string } }>('volumev3', `/volumes/${id}`)).volume;
const projectId = async (name: string) => (await findByName<{ id: string; name: string }>(os, 'identity', `/projects?name=${name}`, 'projects', name)).id;

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  hypervisors = loadHypervisors();
  A = await openInstallation('restore-mapping', cloud, hypervisors);
  acmeProd = await projectId('acme-prod');
  // the mapped targets: a volume type and a key pair of the admin's, ours alone
  typeId = (
    await os.request<{ volume_type: { id: string } }>('volumev3', '/types', {
      method: 'POST',
      body: { volume_type: { name: typeName, extra_specs: { volume_backend_name: 'ceph' } } },
    })
  ).volume_type.id;
  await os.request('compute', '/os-keypairs', {
    method: 'POST',
    body: { keypair: { name: keyName, public_key: readFileSync(join(labDir, 'keys', 'acme-key.pub'), 'utf8').trim() } },
  });
  cleanups.push(() => os.request('compute', `/os-keypairs/${keyName}`, { method: 'DELETE', expect: [202, 204, 404] }));

  server = await createServer(os, { name: `bsk-r2-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  serversToDelete.push(server.id);
  const volumeId = await createVolume(os, `bsk-r2-data-${suffix}`, 1);
  volumesToDelete.push(volumeId);
  await attachVolume(os, server.id, volumeId);
  // data the restored volumes must carry: a pattern written through the guest's own disk
  const hv = hypervisors.find((h) => h.host === server['OS-EXT-SRV-ATTR:host'])!;
  ssh = await connect(hv);
  await guestWrite(ssh, server['OS-EXT-SRV-ATTR:instance_name'], 'vdb', 0x5a, '1M', '3M');
  const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'full', keepSnapshot: false });
  expect(job.state, log.join('\n')).toBe('succeeded');
  m = await manifestOf(A, job.summary);
}, 900_000);

afterAll(async () => {
  if (A) console.log(`jobs:\n${A.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  // servers before volumes: a volume is deleted once its server let go of it
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  for (const id of volumesToDelete) await deleteVolume(os, id).catch(warn);
  // the volume type goes once no volume of it is left
  for (const id of volumesToDelete) await until(`volume ${id} gone`, () => os.request('volumev3', `/volumes/${id}`).then(() => false, () => true), { timeoutMs: 180_000, intervalMs: 2_000 }).catch(warn);
  if (typeId) await os.request('volumev3', `/types/${typeId}`, { method: 'DELETE', expect: [202, 404] }).catch(warn);
  for (const c of cleanups.reverse()) await c().catch(warn);
  ssh?.close();
  await closeInstallation(A);
}, 900_000);

describe('a restore with mapping', () => {
  it("into acme's project with the flavor, key pair, network and volume type mapped ends ACTIVE there with them", async () => {
    const name = `bsk-r2-acme-${suffix}`;
    const { job, log } = await runJob(A, 'restore.start', {
      backupId: m.id,
      projectId: acmeProd,
      name,
      flavor: 'm1.eph',
      keypair: keyName,
      network: 'acme-net',
      volumeTypes: [{ disk: 'vdb', type: typeName }],
      verify: true,
    });
    const serverId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (serverId) serversToDelete.unshift(serverId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    const restored = await getServer(serverId!);
    for (const v of restored['os-extended-volumes:volumes_attached']) volumesToDelete.unshift(v.id);
    expect(restored).toMatchObject({ name, status: 'ACTIVE', tenant_id: acmeProd, key_name: keyName, flavor: { original_name: 'm1.eph' } });
    expect(Object.keys(restored.addresses)).toEqual(['acme-net']);
    // the original's address is in no subnet of acme-net: a new one, as the log says
    expect(log).toContainEqual(expect.stringMatching(/^NIC 0: its fixed IP 10\.99\.0\.\d+ is not kept \(it is in no subnet of the target network\)/));
    const [data] = restored['os-extended-volumes:volumes_attached'];
    const volume = await getVolume(data!.id);
    expect(volume).toMatchObject({ name: `${name}-vdb`, volume_type: typeName, 'os-vol-tenant-attr:tenant_id': acmeProd });
    expect(log).toContain(`Disk vdb: verified on the hypervisor, sha256 ${await restoredSha(A, m, 'vdb')}.`);
  });
});

describe('a volume restored alone', () => {
  it('is a new volume of the project holding the disk byte for byte, attached to the instance', async () => {
    const name = `bsk-r2-vol-${suffix}`;
    const { job, log } = await runJob(A, 'restore.volume', { backupId: m.id, disk: 'vdb', name, volumeType: typeName, attachTo: server.name });
    const volumeId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (volumeId) volumesToDelete.unshift(volumeId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(job.summary).toBe(`Volume ${name} (${volumeId}) restored from disk vdb and attached to ${server.name} (${server.id}).`);
    const volume = await getVolume(volumeId!);
    expect(volume).toMatchObject({ status: 'in-use', volume_type: typeName, 'os-vol-tenant-attr:tenant_id': os.projectId, attachments: [expect.objectContaining({ server_id: server.id })] });
    // read back on the hypervisor: the new RBD image equals the restore point's disk
    const onCeph = await remoteDiskSha256(ssh, { kind: 'rbd', pool: 'volumes', image: `volume-${volumeId}`, snapshot: null, user: 'cinder' }, 'raw');
    expect(onCeph).toBe(await restoredSha(A, m, 'vdb'));
  });

  it('also from a local disk: the root disk as a volume, left available, byte for byte', async () => {
    const { job, log } = await runJob(A, 'restore.volume', { backupId: m.id, disk: 'vda', name: `bsk-r2-root-${suffix}`, verify: true });
    const volumeId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (volumeId) volumesToDelete.unshift(volumeId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(await getVolume(volumeId!)).toMatchObject({ status: 'available', size: 1, attachments: [] });
    const onCeph = await remoteDiskSha256(ssh, { kind: 'rbd', pool: 'volumes', image: `volume-${volumeId}`, snapshot: null, user: 'cinder' }, 'raw');
    expect(onCeph).toBe(await restoredSha(A, m, 'vda'));
    expect(log).toContain(`Disk vda: verified on the hypervisor, sha256 ${onCeph}.`);
  });
});

describe('a restore beside nothing', () => {
  it('keeps the fixed IP once the original is gone, in the zone asked for, leaving out the disks not named', async () => {
    const address = server.addresses['backstack-net']?.[0]?.addr;
    expect(address).toMatch(/^10\.99\.0\.\d+$/);
    await deleteServer(os, server.id);
    const name = `bsk-r2-same-${suffix}`;
    const { job, log } = await runJob(A, 'restore.start', { backupId: m.id, name, disks: ['vda'], availabilityZone: 'nova' });
    const serverId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (serverId) serversToDelete.unshift(serverId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`NIC 0 keeps its fixed IP ${address}.`);
    expect(log).toContain('Left out as asked: vdb.');
    const restored = await getServer(serverId!);
    expect(restored).toMatchObject({ name, status: 'ACTIVE', tenant_id: os.projectId, 'OS-EXT-AZ:availability_zone': 'nova', 'os-extended-volumes:volumes_attached': [] });
    expect(restored.addresses['backstack-net']?.map((a) => a.addr)).toEqual([address]);
  });
});

describe('the pre-flight', () => {
  it('catches a lowered quota and a too-small flavor before anything is created', async () => {
    // a project of our own, so that lowering its quota disturbs no one else on the lab
    const pname = `bsk-r2-quota-${suffix}`;
    const { project } = await os.request<{ project: { id: string } }>('identity', '/projects', { method: 'POST', expect: [201], body: { project: { name: pname, domain_id: 'default' } } });
    cleanups.push(() => os.request('identity', `/projects/${project.id}`, { method: 'DELETE', expect: [204, 404] }));
    const admin = await findByName<{ id: string; name: string }>(os, 'identity', '/users?name=admin&domain_id=default', 'users', 'admin');
    const role = await findByName<{ id: string; name: string }>(os, 'identity', '/roles?name=admin', 'roles', 'admin');
    await os.request('identity', `/projects/${project.id}/users/${admin.id}/roles/${role.id}`, { method: 'PUT', expect: [204] });
    // lowered with the admin's quota APIs; back to the defaults afterwards
    await os.request('compute', `/os-quota-sets/${project.id}`, { method: 'PUT', body: { quota_set: { instances: 0 } } });
    cleanups.push(() => os.request('compute', `/os-quota-sets/${project.id}`, { method: 'DELETE', expect: [202, 204] }));
    await os.request('volumev3', `/os-quota-sets/${project.id}`, { method: 'PUT', body: { quota_set: { gigabytes: 0 } } });
    cleanups.push(() => os.request('volumev3', `/os-quota-sets/${project.id}`, { method: 'DELETE', expect: [200, 202, 204] }));

    const params = { backupId: m.id, projectId: project.id, name: `bsk-r2-refused-${suffix}`, flavor: 'b1.bfv' };
    const report = unwrap(await A.core.api.invoke('restore.preflight', params));
    expect(report.blocked).toBe(true);
    expect(report.items.filter((i) => i.severity === 'blocker').map((i) => `${i.item}: ${i.message}`)).toEqual([
      expect.stringMatching(/^Flavor b1\.bfv: b1\.bfv has no root disk .*at least 1 GiB\.$/),
      'Quota: instances: The project uses 0 of 0 instances and the restore needs 1 more: raise the project\'s quota, or free some.',
      'Quota: gigabytes: The project uses 0 of 0 gigabytes and the restore needs 1 more: raise the project\'s quota, or free some.',
    ]);
    const refused = await A.core.api.invoke('restore.start', params);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'resource.conflict', message: expect.stringMatching(/^The restore was not started \(nothing was created\): Flavor b1\.bfv: .* · Quota: instances: .* · Quota: gigabytes: /) });
    // the volume restore's pre-flight sees the same volume quota
    const vol = unwrap(await A.core.api.invoke('restore.volumePreflight', { backupId: m.id, disk: 'vdb', projectId: project.id }));
    expect(vol.items.filter((i) => i.severity === 'blocker').map((i) => i.item)).toEqual(['Quota: gigabytes']);
    // nothing in the project
    const { servers } = await os.request<{ servers: unknown[] }>('compute', `/servers?all_tenants=1&project_id=${project.id}`);
    const { volumes } = await os.request<{ volumes: unknown[] }>('volumev3', `/volumes?all_tenants=1&project_id=${project.id}`);
    expect({ servers, volumes }).toEqual({ servers: [], volumes: [] });
  });
});
