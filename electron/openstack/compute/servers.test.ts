import { afterEach, describe, expect, it } from 'vitest';
import { adminClient, demoClient, standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';
import { getServerMetadata, updateServerMetadata } from './server-metadata';
import { listServerTags } from './server-tags';
import { createServer, deleteServer, getServer, listServers, toServer, RawServer, waitForServerDeleted, waitForServerStatus } from './servers';
import { attachVolume, detachVolume, listVolumeAttachments } from './volume-attachments';
import { getVolume, waitForVolumeStatus } from '../blockstorage/volumes';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

const admin = () => adminClient(cloud);
const demo = () => demoClient(cloud);

describe('servers', () => {
  it('lists every project’s servers for an admin, with host, instance name, flavor, tags, volumes and addresses', async () => {
    cloud = standardCloud();
    const servers = await listServers(await admin().compute(), { allTenants: true }).all();
    expect(servers.map((s) => s.name)).toEqual(['demo-web-1', 'demo-bfv-1', 'acme-app-1']);
    const web = servers[0]!;
    expect(web).toMatchObject({
      id: 's-web',
      projectId: 'p-demo',
      status: 'ACTIVE',
      host: 'compute-1',
      instanceName: 'instance-00000001',
      hypervisorHostname: 'compute-1.example.org',
      availabilityZone: 'nova',
      keyName: 'demo-key',
      tags: ['web', 'backup-daily'],
      metadata: { role: 'web' },
      imageId: 'img-cirros',
      bootFromVolume: false,
      powerState: 'running',
      rootDeviceName: '/dev/vda',
      flavor: { name: 'm1.tiny', vcpus: 1, ramMiB: 512, diskGiB: 1, id: undefined },
      attachedVolumes: [{ id: 'v-data', deleteOnTermination: false }],
      addresses: [{ network: 'demo-net', address: '10.0.0.3', version: 4, type: 'fixed', mac: 'fa:16:3e:00:00:01' }],
      securityGroups: ['default'],
    });
    const bfv = servers[1]!;
    expect(bfv.bootFromVolume).toBe(true);
    expect(bfv.flavor.extraSpecs).toEqual({ 'quota:disk_read_bytes_sec': '104857600' });
  });

  it('hides admin attributes from members and lists only their project', async () => {
    cloud = standardCloud();
    const servers = await listServers(await demo().compute()).all();
    expect(servers.map((s) => s.name)).toEqual(['demo-web-1', 'demo-bfv-1']);
    expect(servers[0]!.host).toBeUndefined();
    expect(servers[0]!.instanceName).toBeUndefined();
  });

  it('on an older Nova: flavor by id and tags unknown (not empty)', async () => {
    cloud = standardCloud({ novaMaxMicroversion: '2.25' });
    const [web] = await listServers(await admin().compute(), { allTenants: true }).all();
    expect(cloud.requestsTo(/servers\/detail$/)[0]!.microversion).toBe('2.19');
    expect(web!.flavor).toMatchObject({ id: 'f-tiny', name: undefined });
    expect(web!.tags).toBeUndefined();
  });

  it('filters by project, tags and changes-since', async () => {
    cloud = standardCloud();
    const compute = await admin().compute();
    expect((await listServers(compute, { allTenants: true, projectId: 'p-prod' }).all()).map((s) => s.name)).toEqual(['acme-app-1']);
    expect((await listServers(compute, { allTenants: true, tags: ['web'] }).all()).map((s) => s.name)).toEqual(['demo-web-1']);
    expect((await listServers(compute, { allTenants: true, changesSince: '2024-01-01T00:03:30Z' }).all()).map((s) => s.name)).toEqual(['acme-app-1']);
    expect(cloud.requestsTo(/servers\/detail$/).at(-1)!.query.get('changes-since')).toBe('2024-01-01T00:03:30Z');
  });

  it('gets one server, its tags and metadata', async () => {
    cloud = standardCloud();
    const compute = await admin().compute();
    expect((await getServer(compute, 's-app')).name).toBe('acme-app-1');
    expect(await listServerTags(compute, 's-web')).toEqual(['web', 'backup-daily']);
    cloud.route('http://nova.test:8774', 'GET', /^\/v2\.1\/servers\/s-web\/metadata$/, () => ({ status: 200, body: { metadata: { role: 'web' } } }));
    cloud.route('http://nova.test:8774', 'POST', /^\/v2\.1\/servers\/s-web\/metadata$/, (r) => ({ status: 200, body: { metadata: { role: 'web', ...(r.body as { metadata: object }).metadata } } }));
    expect(await getServerMetadata(compute, 's-web')).toEqual({ role: 'web' });
    expect(await updateServerMetadata(compute, 's-web', { backup: 'daily' })).toEqual({ role: 'web', backup: 'daily' });
  });

  it('maps a server in a down cell (2.69 partial answer) without failing the listing', () => {
    const s = toServer(RawServer.parse({ id: 'x', status: 'UNKNOWN', tenant_id: 'p', created: '2024-01-01T00:00:00Z' }));
    expect(s).toMatchObject({ id: 'x', name: '', status: 'UNKNOWN', tags: undefined, addresses: [], attachedVolumes: [] });
  });
});

describe('server and attachment writes', () => {
  it('creates, waits for ACTIVE, attaches and detaches a volume, deletes', async () => {
    cloud = standardCloud();
    const p = admin();
    const compute = await p.compute();
    const bs = await p.blockStorage();
    const { id } = await createServer(compute, { name: 'restored-1', flavorId: 'f-tiny', imageId: 'img-cirros', networks: [{ networkId: 'n-demo' }], metadata: { restored: 'yes' } });
    expect(cloud.requestsTo(/^\/v2\.1\/servers$/, 'POST')[0]!.body).toEqual({
      server: { name: 'restored-1', flavorRef: 'f-tiny', imageRef: 'img-cirros', networks: [{ uuid: 'n-demo' }], metadata: { restored: 'yes' } },
    });
    const active = await waitForServerStatus(compute, id, 'ACTIVE', { timeoutMs: 60_000, clock: cloud.clock });
    expect(active.status).toBe('ACTIVE');

    await attachVolume(compute, id, 'v-db', { deleteOnTermination: true });
    expect((await waitForVolumeStatus(bs, 'v-db', 'in-use', { timeoutMs: 60_000, clock: cloud.clock })).attachments[0]!.serverId).toBe(id);
    expect((await listVolumeAttachments(compute, id)).map((a) => [a.volumeId, a.deleteOnTermination])).toEqual([['v-db', true]]);
    await detachVolume(compute, id, 'v-db');
    expect((await waitForVolumeStatus(bs, 'v-db', 'available', { timeoutMs: 60_000, clock: cloud.clock })).attachments).toEqual([]);

    await deleteServer(compute, id);
    expect(await waitForServerDeleted(compute, id, { timeoutMs: 60_000, clock: cloud.clock })).toBeNull();
    expect((await getVolume(bs, 'v-db')).status).toBe('available');
  });
});
