import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreOptions } from '../core/create-core';
import { fakeGuestAgents, FakeGuest, fakeRestoreHosts, writeInstanceRestorePoint } from '../core/testing';
import { initRepository, openRepository } from '../engine';
import { mkfsExt4 } from '../filesystems/testing/images';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { addMockCloudByOpenrc, testCli } from './test-cli';

// `backstack files restore --to-instance`: demo-web-1's restore point (an ext4 disk) written back
// into the instance through a fake guest agent; and, through the real way to the agent (Nova, then
// the hypervisor's SSH settings), the refusals an admin meets before anything is written.
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;

async function setup(core: Partial<CoreOptions>): Promise<string> {
  cloud = standardCloud();
  cli = testCli('backstack-cli-guest-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock, restoreHosts: fakeRestoreHosts([]), ...core });
  expect(await addMockCloudByOpenrc(cli, cloud.authUrl)).toBe(0);
  expect(await cli.run(['provider', 'list', '--json'])).toBe(0);
  const [provider] = JSON.parse(cli.io.out) as { id: string }[];
  const tree = path.join(cli.home, 'tree');
  fs.mkdirSync(path.join(tree, 'etc/app'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'etc/app/app.conf'), 'listen 8080\n');
  fs.writeFileSync(path.join(tree, 'etc/hostname'), 'demo-web-1\n');
  const image = path.join(cli.home, 'disk.img');
  mkfsExt4(image, tree, 8);
  const dir = path.join(cli.home, 'dest');
  await initRepository(dir, { chunkSize: 64 * 1024 });
  const repo = await openRepository(dir);
  const client = adminClient(cloud);
  let backupId: string;
  try {
    backupId = (await writeInstanceRestorePoint(repo, client, { providerId: provider!.id, image })).id;
  } finally {
    await repo.close();
    await client.close();
  }
  expect(await cli.run(['destination', 'add', 'local', dir])).toBe(0);
  cli.clear();
  return backupId;
}
afterEach(async () => {
  cli.cleanup();
  await cloud.close();
});

describe('files restore --to-instance', () => {
  it('writes a file and a folder into the instance, keeps what was there as .orig, and says so', async () => {
    const guest = new FakeGuest();
    guest.put('/etc/hostname', 'changed-since\n');
    const backupId = await setup({ guestAgents: fakeGuestAgents(guest, 'demo-web-1') });
    const code = await cli.run(['files', 'restore', '--backup', backupId, '--disk', 'vda', '/etc/hostname', '/etc/app', '--to-instance', 's-web']);
    expect(cli.io.err).toContain('INFO  /etc/hostname was in the way: kept as /etc/hostname.orig.');
    expect(code).toBe(0);
    expect(cli.io.out).toBe('2 files (23 B), 1 folder and 0 links written into demo-web-1; 1 existing kept as .orig\n');
    expect(guest.files.get('/etc/hostname')!.data.toString()).toBe('demo-web-1\n');
    expect(guest.files.get('/etc/hostname.orig')!.data.toString()).toBe('changed-since\n');
    expect(guest.files.get('/etc/app/app.conf')!.data.toString()).toBe('listen 8080\n');

    cli.clear();
    expect(await cli.run(['files', 'restore', '--backup', backupId, '--disk', 'vda', '/etc/hostname', '--to-instance', 's-web', '--guest-path', '/root/restored'])).toBe(0);
    expect(guest.files.get('/root/restored/hostname')!.data.toString()).toBe('demo-web-1\n');
  });

  it('refuses before writing anything: no agent channel, the instance not running, no SSH settings for its host', async () => {
    const guest = new FakeGuest();
    guest.refuse = 'error: argument unsupported: QEMU guest agent is not configured';
    let backupId = await setup({ guestAgents: fakeGuestAgents(guest, 'demo-web-1') });
    expect(await cli.run(['files', 'restore', '--backup', backupId, '--disk', 'vda', '/etc/hostname', '--to-instance', 's-web'])).not.toBe(0);
    expect(cli.io.err).toContain('demo-web-1 has no guest agent channel. Set the image property hw_qemu_guest_agent=yes');
    cli.clear();
    expect(await cli.run(['files', 'restore', '--backup', backupId, '/etc/hostname', '--to-instance', 's-web', '--guest-path', 'etc'])).not.toBe(0);
    expect(cli.io.err).toContain('give the whole path of the folder in the guest, from /');
    cli.cleanup();
    await cloud.close();

    // the default way to the agent: Nova says where the instance runs and whether it runs
    backupId = await setup({});
    cloud.servers.find((s) => s.id === 's-app')!.status = 'SHUTOFF';
    expect(await cli.run(['files', 'restore', '--backup', backupId, '--disk', 'vda', '/etc/hostname', '--to-instance', 's-app'])).not.toBe(0);
    expect(cli.io.err).toContain('acme-app-1 is SHUTOFF, not running: start it, then restore into it again.');
    cli.clear();
    expect(await cli.run(['files', 'restore', '--backup', backupId, '--disk', 'vda', '/etc/hostname', '--to-instance', 's-web'])).not.toBe(0);
    expect(cli.io.err).toContain('No SSH settings for the hypervisor compute-1');
    cli.clear();
    expect(await cli.run(['files', 'restore', '--repo', '/somewhere', '--id', 'g', '/etc/hostname', '--to-instance', 's-web'])).toBe(2);
    expect(cli.io.err).toContain('--to-instance reads the restore point from the catalog');
  });
});
