import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initRepository, openRepository } from '../engine';
import { adminClient, standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { fakeRestoreHosts, writeInstanceRestorePoint } from '../core/testing';
import { addMockCloudByOpenrc, testCli } from './test-cli';

// `restore in-place` against the MockAgent cloud with demo-web-1's restore point: it asks before
// it changes anything, and every refusal that does not need the hypervisor (no such instance, no
// SSH settings for its host) leaves the instance as it was, running.
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;
let backupId: string;

const statusOf = (id: string): unknown => cloud.servers.find((s) => s.id === id)?.status;

beforeEach(async () => {
  cloud = standardCloud();
  cli = testCli('backstack-cli-inplace-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock, restoreHosts: fakeRestoreHosts([]) });
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

describe('restore in-place', () => {
  it('names the instance and disks and changes nothing unless the answer is yes', async () => {
    expect(await cli.run(['restore', 'in-place', '--backup', backupId, '--instance', 's-web', '--disk', 'vda'], { stdin: 'no\n' })).not.toBe(0);
    expect(cli.io.err).toContain(`Restore point ${backupId} will be written over disks vda of instance s-web: the instance is stopped through Nova`);
    expect(cli.io.err).toContain('Not confirmed: nothing was changed. Answer "yes", or pass --yes.');
    cli.clear();
    expect(await cli.run(['jobs', 'list', '--json'])).toBe(0);
    expect(JSON.parse(cli.io.out)).toEqual([]);
    expect(statusOf('s-web')).toBe('ACTIVE');
  });

  it('refuses an instance the cloud does not have, and one whose hypervisor has no SSH settings, before stopping it', async () => {
    expect(await cli.run(['restore', 'in-place', '--backup', backupId, '--instance', 's-none', '--yes'])).not.toBe(0);
    expect(cli.io.err).toContain('No instance s-none in the cloud: give the id of the instance to restore over.');

    cli.clear();
    expect(await cli.run(['restore', 'in-place', '--backup', backupId, '--instance', 's-web', '--yes'], { stdin: 'yes\n' })).not.toBe(0);
    expect(cli.io.err).toMatch(/No SSH settings for the hypervisor \S+\. Set them under Clouds → Hypervisors/);
    expect(statusOf('s-web')).toBe('ACTIVE');
  });
});
