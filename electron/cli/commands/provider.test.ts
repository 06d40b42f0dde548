import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../../openstack/testing/fixtures';
import type { MockCloud } from '../../openstack/testing/mock-cloud';
import { testCli } from '../test-cli';

// `backstack provider` against the MockAgent cloud (its network and clock given to the core).
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;
beforeEach(() => {
  cloud = standardCloud();
  cli = testCli('backstack-cli-provider-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock });
});
afterEach(async () => {
  cli.cleanup();
  await cloud.close();
});

describe('backstack provider test', () => {
  it('says a rejected password once: on the domain’s line, not again as the error', async () => {
    const openrc = path.join(cli.home, 'admin-openrc');
    fs.writeFileSync(
      openrc,
      [
        `OS_AUTH_URL=${cloud.authUrl}`,
        'OS_USERNAME=admin',
        'OS_USER_DOMAIN_NAME=Default',
        'OS_PROJECT_NAME=admin',
        'OS_PROJECT_DOMAIN_NAME=Default',
        'OS_REGION_NAME=RegionOne',
      ]
        .map((l) => `export ${l}\n`)
        .join(''),
    );
    expect(await cli.run(['provider', 'add', '--name', 'mock', '--openrc', openrc, '--password-stdin'], { stdin: 'admin-pass\n' }), cli.io.err).toBe(
      0,
    );
    // The password changes on the cloud after it was saved here.
    cloud.users.find((u) => u.name === 'admin')!.password = 'changed elsewhere';
    cli.clear();
    expect(await cli.run(['provider', 'test', 'mock'])).not.toBe(0);
    const printed = cli.io.out + cli.io.err;
    expect(printed.match(/Keystone rejected the credentials/g), printed).toHaveLength(1);
    expect(cli.io.out).toMatch(
      /^domain {7}Default: FAILED — Keystone rejected the credentials for user "admin" in domain "Default" .*Check the user name, domain and password/m,
    );
    expect(cli.io.err).toContain('The connection test failed (the reason is above).');
  });
});
