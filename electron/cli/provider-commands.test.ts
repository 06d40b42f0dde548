import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { addMockCloudByOpenrc, testCli } from './test-cli';

// `provider add` and `provider edit` against the MockAgent cloud: an edit is tested before it is
// saved, keeps the stored password unless a new one is piped in, and keeps the cloud's id.
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;
beforeEach(async () => {
  cloud = standardCloud();
  cli = testCli('backstack-cli-provider-', { openstackDispatcher: cloud.agent });
  expect(await addMockCloudByOpenrc(cli, cloud.authUrl)).toBe(0);
});
afterEach(async () => {
  cli.cleanup();
  await cloud.close();
});

const list = async () => {
  cli.clear();
  expect(await cli.run(['provider', 'list', '--json'])).toBe(0);
  return JSON.parse(cli.io.out) as { id: string; name: string; region: string; endpointInterface: string }[];
};

describe('provider edit', () => {
  it('changes the interface and the name with the stored password, and keeps the id', async () => {
    const [before] = await list();
    cli.clear();
    expect(await cli.run(['provider', 'edit', 'mock', '--interface', 'internal', '--name', 'production'])).toBe(0);
    expect(cli.io.out).toContain('Cloud "production" saved: http://keystone.test:5000/v3, region RegionOne, internal endpoints.');
    expect(await list()).toMatchObject([{ id: before!.id, name: 'production', endpointInterface: 'internal' }]);
    cli.clear();
    expect(await cli.run(['provider', 'test', 'production'])).toBe(0);
  });

  it('replaces the password from standard input, and refuses a wrong one without saving anything', async () => {
    cloud.users.find((u) => u.name === 'admin')!.password = 'rotated';
    expect(
      await cli.run(['provider', 'edit', 'mock', '--region', 'RegionOne', '--interface', 'admin', '--password-stdin'], { stdin: 'not-it\n' }),
    ).toBe(1);
    expect(cli.io.err).toMatch(/backstack: .*(password|credentials)/i);
    expect((await list())[0]).toMatchObject({ endpointInterface: 'public' });
    cli.clear();
    expect(await cli.run(['provider', 'edit', 'mock', '--password-stdin'], { stdin: 'rotated\n' })).toBe(0);
    cli.clear();
    expect(await cli.run(['provider', 'test', 'mock'])).toBe(0);
  });

  it('names an unknown cloud or authentication domain, and contradictory options', async () => {
    expect(await cli.run(['provider', 'edit', 'nope', '--region', 'x'])).toBe(4);
    expect(cli.io.err).toContain('No cloud named or with id "nope"');
    cli.clear();
    expect(await cli.run(['provider', 'edit', 'mock', '--domain', 'acme', '--password-stdin'], { stdin: 'x\n' })).toBe(4);
    expect(cli.io.err).toContain('The cloud "mock" has no authentication domain acme (it has Default).');
    cli.clear();
    expect(await cli.run(['provider', 'edit', 'mock', '--openrc', 'a', '--cloud', 'b'])).toBe(2);
    expect(cli.io.err).toContain('Give one of --openrc FILE or --cloud NAME, not both.');
  });
});
