import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initRepository, openRepository } from '../engine';
import { adminClient, makeServer, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { fakeRestoreHosts, writeInstanceRestorePoint } from '../core/testing';
import { addMockCloudByOpenrc, testCli } from './test-cli';

// `restore run` against the MockAgent cloud with demo-web-1's restore point: the dry run prints
// the pre-flight and its exit status says whether something blocks; the mapping options reach Nova.
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;
let backupId: string;

beforeEach(async () => {
  cloud = standardCloud();
  cli = testCli('backstack-cli-restore-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock, restoreHosts: fakeRestoreHosts([]) });
  expect(await addMockCloudByOpenrc(cli, cloud.authUrl)).toBe(0);
  expect(await cli.run(['provider', 'list', '--json'])).toBe(0);
  const [provider] = JSON.parse(cli.io.out) as { id: string }[];
  const dir = path.join(cli.home, 'dest');
  const image = path.join(cli.home, 'disk.img');
  fs.writeFileSync(image, Buffer.alloc(1024 * 1024, 'backstack '));
  await initRepository(dir, { chunkSize: 64 * 1024 });
  const repo = await openRepository(dir);
  const client = adminClient(cloud);
  try {
    backupId = (await writeInstanceRestorePoint(repo, client, { providerId: provider!.id, image })).id;
  } finally {
    await repo.close();
    await client.close();
  }
  expect(await cli.run(['destination', 'add', 'local', dir])).toBe(0);
  cli.clear();
});
afterEach(async () => {
  cli.cleanup();
  await cloud.close();
});

describe('restore run', () => {
  it('--dry-run prints the pre-flight and exits 3 while something blocks, 0 once nothing does, creating nothing', async () => {
    const servers = cloud.servers.length;
    expect(
      await cli.run(['restore', 'run', '--backup', backupId, '--project', 'p-admin', '--flavor', 'm9.huge', '--network', '0=nowhere', '--dry-run']),
    ).toBe(3);
    const lines = cli.io.out.split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+ITEM\s+WHAT HAPPENS \/ WHAT TO DO$/);
    expect(lines.filter((l) => l.startsWith('blocker'))).toEqual([
      expect.stringMatching(/^blocker\s+Flavor m9.huge\s+No flavor "m9.huge" in the target cloud: choose one of /),
      expect.stringMatching(/^blocker\s+Network\s+No network "nowhere" in the target project for NIC 0 \(demo-net\): choose one it has\.$/),
    ]);
    expect(cli.io.out).toContain('2 blockers: the restore would be refused.');
    expect(cli.io.err).toContain('The pre-flight found blockers');

    cli.clear();
    expect(
      await cli.run([
        'restore',
        'run',
        '--backup',
        backupId,
        '--project',
        'p-admin',
        '--keypair',
        'admin-key',
        '--name',
        'web-2',
        '--dry-run',
        '--json',
      ]),
    ).toBe(0);
    const report = JSON.parse(cli.io.out) as { name: string; blocked: boolean; items: { severity: string }[] };
    expect(report).toMatchObject({ name: 'web-2', blocked: false });
    expect(cloud.servers.length).toBe(servers);
  });

  it('restores with the mapping options: powered off, no key pair, a security group, a network per NIC', async () => {
    cloud.securityGroups.push({ id: 'sg-admin-web', name: 'web', project_id: 'p-admin', security_group_rules: [] });
    const args = ['restore', 'run', '--backup', backupId, '--project', 'p-admin', '--name', 'web-off', '--no-keypair', '--power', 'off'];
    expect(await cli.run([...args, '--security-group', 'web', '--network', 'demo-net=public'])).toBe(0);
    expect(cli.io.out).toMatch(/^Server web-off \(s-new-\d+\) restored and SHUTOFF\.\n$/);
    const post = cloud.requests.find((q) => q.method === 'POST' && q.path.endsWith('/servers'))?.body as { server: Record<string, unknown> };
    expect(post.server).toMatchObject({ name: 'web-off', networks: [{ uuid: 'n-public' }], security_groups: [{ name: 'web' }] });
    expect(post.server.key_name).toBeUndefined();
  });

  it("maps each disk's volume type, the availability zone, and keeps the NIC's fixed IP once it is free", async () => {
    // the original is gone, its port with it: its address is free again
    cloud.ports.splice(0, cloud.ports.length);
    const args = ['restore', 'run', '--backup', backupId, '--project', 'p-admin', '--keypair', 'admin-key', '--name', 'web-mapped'];
    expect(await cli.run([...args, '--volume-type', 'vdb=__DEFAULT__', '--az', 'raw', '--disk', 'vda', '--disk', 'vdb'])).toBe(0);
    const post = (path: string) => cloud.requests.filter((q) => q.method === 'POST' && q.path.endsWith(path)).map((q) => q.body as Record<string, Record<string, unknown>>);
    expect(post('/volumes').map((b) => b.volume)).toEqual([expect.objectContaining({ name: 'web-mapped-vdb', volume_type: '__DEFAULT__' })]);
    expect(post('/servers')[0]?.server).toMatchObject({ availability_zone: 'raw', networks: [{ uuid: 'n-demo', fixed_ip: '10.0.1.5' }] });
  });

  it('--disk leaves the other disks out: no volume for them', async () => {
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--project', 'p-admin', '--keypair', 'admin-key', '--disk', 'vda', '--dry-run'])).toBe(0);
    expect(cli.io.out).toMatch(/^info\s+Disks\s+Left out \(not restored\): vdb\.$/m);
    cli.clear();
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--project', 'p-admin', '--keypair', 'admin-key', '--disk', 'vda', '--name', 'web-root-only'])).toBe(0);
    expect(cloud.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/volumes'))).toEqual([]);
    expect(cloud.servers.find((s) => s.name === 'web-root-only')?.status).toBe('ACTIVE');
  });

  it('refuses contradicting options before anything runs', async () => {
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--network', 'a', '--network', 'b'])).toBe(2);
    expect(cli.io.err).toContain('Give one --network NET for every NIC, or map each with --network FROM=NET.');
    cli.clear();
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--power', 'maybe'])).toBe(2);
    expect(cli.io.err).toContain('--power is on or off, not "maybe".');
    cli.clear();
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--libvirt', '--power', 'off'])).toBe(2);
    expect(cli.io.err).toContain('--power goes with a restore through Nova');
    cli.clear();
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--volume-type', 'gold'])).toBe(2);
    expect(cli.io.err).toContain('--volume-type gold: give DISK=TYPE');
    cli.clear();
    expect(await cli.run(['restore', 'run', '--backup', backupId, '--libvirt', '--disk', 'vda', '--az', 'nova'])).toBe(2);
    expect(cli.io.err).toContain('--disk, --az go with a restore through Nova');
  });
});

describe('restore volume', () => {
  it('--dry-run prints its pre-flight; then restores the disk as a new volume attached to the instance named', async () => {
    expect(await cli.run(['restore', 'volume', '--backup', backupId, '--disk', 'vdb', '--project', 'p-admin', '--volume-type', 'gold', '--dry-run'])).toBe(3);
    expect(cli.io.out).toMatch(/^blocker\s+Volume type gold\s+No volume type "gold" in the target cloud for disk vdb: choose one of ceph-rbd, __DEFAULT__\.$/m);
    cli.clear();
    cloud.servers.push(makeServer({ id: 's-admin', name: 'admin-db', projectId: 'p-admin', seq: 9, network: 'demo-net' }));
    expect(await cli.run(['restore', 'volume', '--backup', backupId, '--disk', 'vdb', '--project', 'p-admin', '--name', 'data-back', '--attach-to', 'admin-db'])).toBe(0);
    const volume = cloud.volumes.find((v) => v.name === 'data-back');
    expect(cli.io.out).toBe(`Volume data-back (${String(volume?.id)}) restored from disk vdb and attached to admin-db (s-admin).\n`);
    expect(volume?.status).toBe('in-use');
  });
});

describe('restore verify', () => {
  it('asks for the sandbox project the first time, then boots the restore point there and prints the evidence', async () => {
    cloud.networks.push({ id: 'n-sandbox', name: 'sandbox-net', status: 'ACTIVE', admin_state_up: true, shared: false, 'router:external': false, subnets: [], project_id: 'p-admin', tenant_id: 'p-admin', tags: [] });
    expect(await cli.run(['restore', 'verify', '--backup', backupId])).toBe(3);
    expect(cli.io.err).toMatch(/Choose the sandbox project of .* \(--sandbox-project\)/);
    cli.clear();
    expect(await cli.run(['restore', 'verify', '--backup', backupId, '--sandbox-project', 'p-admin'])).toBe(0);
    const out = cli.io.out;
    expect(out).toMatch(/^Result {7}passed: verified bootable \(/);
    expect(out).toMatch(/^Evidence {5}a login prompt on the console \("bsk-verify-demo-web-1-\d{8}-\d{4} login:"\)$/m);
    expect(out).toMatch(/^Timings {6}restore \d+ s · boot \d+ s · total \d+ s$/m);
    expect(out).toMatch(/^Removed {6}server bsk-verify-demo-web-1-.*, volume bsk-verify-demo-web-1-.*-vdb \(v-new-\d+\)$/m);
    expect(out).toMatch(/^ {2}\| bsk-verify-demo-web-1-\d{8}-\d{4} login:$/m);
    expect(cloud.servers.filter((s) => String(s.name).startsWith('bsk-verify-'))).toEqual([]);
    // the sandbox is remembered; --json gives the job and the evidence
    cli.clear();
    expect(await cli.run(['restore', 'verify', '--backup', backupId, '--json'])).toBe(0);
    const json = JSON.parse(cli.io.out) as { job: { state: string }; verification: { result: string; projectId: string } };
    expect(json).toMatchObject({ job: { state: 'succeeded' }, verification: { result: 'passed', projectId: 'p-admin' } });
  });
});
