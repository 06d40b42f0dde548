import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { standardCloud } from '../openstack/testing/fixtures';
import type { MockCloud } from '../openstack/testing/mock-cloud';
import { addMockCloudByOpenrc, testCli } from './test-cli';

// `snapshot list|create|delete` as an admin types them, against the MockAgent cloud (demo-web-1, s-web).
let cloud: MockCloud;
let cli: ReturnType<typeof testCli>;

beforeEach(async () => {
  cloud = standardCloud();
  cli = testCli('backstack-cli-snapshot-', { openstackDispatcher: cloud.agent, openstackClock: cloud.clock });
  expect(await addMockCloudByOpenrc(cli, cloud.authUrl)).toBe(0);
  expect(await cli.run(['sync', 'mock'])).toBe(0);
  cli.clear();
});
afterEach(async () => {
  cli.cleanup();
  await cloud.close();
});

describe('snapshot commands', () => {
  it('create an instance snapshot and a volume snapshot, list them, delete one', async () => {
    const at = ['--provider', 'mock', '--instance', 's-web'];
    expect(await cli.run(['snapshot', 'create', ...at])).toBe(0);
    expect(cli.io.out).toMatch(/^Snapshot demo-web-1-snapshot-\d{12} \(img-snap-\d+\) of demo-web-1 is active/);
    expect(await cli.run(['snapshot', 'create', ...at, '--volume', 'v-data', '--name', 'data-before'])).toBe(0);
    expect(cli.io.out).toMatch(/Snapshot data-before \(snap-new-\d+\) of volume v-data of demo-web-1 is available, 1 GiB\./);
    cli.clear();
    expect(await cli.run(['snapshot', 'list', ...at])).toBe(0);
    expect(cli.io.out).toMatch(/^ID +KIND +NAME +STATUS +SIZE +CREATED +MADE BY\n/);
    expect(cli.io.out).toMatch(/img-snap-\d+ +instance +demo-web-1-snapshot-\d+ +active .* this installation\n/);
    expect(cli.io.out).toMatch(/snap-new-\d+ +volume \/dev\/vdb +data-before +available +1\.0 GiB .* this installation\n/);
    expect(cli.io.out).toMatch(/snap-1 +volume \/dev\/vdb +demo-data-snap-1 +available/);
    const id = /(snap-new-\d+)/.exec(cli.io.out)![1]!;
    cli.clear();
    expect(await cli.run(['snapshot', 'delete', id, ...at])).toBe(0);
    expect(cli.io.out).toBe('Snapshot data-before deleted.\n');
    cli.clear();
    expect(await cli.run(['snapshot', 'list', ...at, '--json'])).toBe(0);
    expect((JSON.parse(cli.io.out) as { id: string }[]).map((s) => s.id)).not.toContain(id);
  });

  it('names the fix for an unknown snapshot or instance', async () => {
    expect(await cli.run(['snapshot', 'delete', 'nope', '--provider', 'mock', '--instance', 's-web'])).toBe(4);
    expect(cli.io.err).toContain('No snapshot nope of this instance. List them: backstack snapshot list --provider mock --instance s-web');
    expect(await cli.run(['snapshot', 'list', '--provider', 'mock', '--instance', 'missing'])).toBe(4);
    expect(cli.io.err).toContain('No instance missing in the inventory of this cloud. Sync it to refresh.');
  });
});
