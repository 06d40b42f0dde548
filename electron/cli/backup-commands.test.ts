import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCli } from './test-cli';

// The libvirt-strategy commands' wiring; the strategy itself is tested against the lab.
let cli: ReturnType<typeof testCli>;
beforeEach(() => (cli = testCli('backstack-cli-backup-')));
afterEach(() => cli.cleanup());
const run = (...args: string[]) => cli.run(args);

describe('backup, restore and hypervisor commands', () => {
  it('lists no restore points yet, and says how to make one', async () => {
    expect(await run('backup', 'list', '--instance', 'i-1', '--json')).toBe(0);
    expect(JSON.parse(cli.io.out)).toEqual([]);
    cli.clear();
    expect(await run('backup', 'list', '--instance', 'i-1')).toBe(0);
    expect(cli.io.out).toContain('No restore point of i-1 yet. Back up with: backstack backup run');
  });

  it('proxy and volume commands name what is missing: a cloud (exit 4), a key or a password (exit 2)', async () => {
    expect(await run('proxy', 'list', '--provider', 'nope')).toBe(4);
    expect(cli.io.err).toContain('No cloud named or with id "nope"');
    cli.clear();
    expect(await run('proxy', 'add', '--provider', 'nope', '--server', 'proxy-1', '--address', '10.0.0.5', '--user', 'root')).toBe(2);
    expect(cli.io.err).toContain('Give one of --key FILE or --password-stdin.');
    cli.clear();
    expect(await run('volume', 'backup', '--provider', 'nope', '--volume', 'v-1')).toBe(4);
    expect(cli.io.err).toContain('No cloud named or with id "nope"');
  });

  it('refuses contradictory options (exit 2) and unknown targets (exit 4), naming the fix', async () => {
    expect(await run('backup', 'run', '--provider', 'p', '--instance', 'i', '--full', '--incremental')).toBe(2);
    expect(cli.io.err).toContain('--full or --incremental');
    const key = path.join(cli.home, 'id_ed25519');
    fs.writeFileSync(key, 'not a key');
    cli.clear();
    expect(await run('hypervisor', 'ssh', '--provider', 'nope', '--host', 'kvm-1', '--address', '10.0.0.1', '--user', 'root', '--key', key)).toBe(4);
    expect(cli.io.err).toContain('No cloud');
    cli.clear();
    expect(
      await run(
        'hypervisor',
        'ssh',
        '--provider',
        'nope',
        '--host',
        'kvm-1',
        '--address',
        '10.0.0.1',
        '--user',
        'root',
        '--key',
        key,
        '--password-stdin',
      ),
    ).toBe(2);
    expect(cli.io.err).toContain('Give one of --key FILE or --password-stdin, not both.');
    cli.clear();
    expect(await run('hypervisor', 'ssh', '--provider', 'p', '--host', 'h', '--address', 'a', '--user', 'root', '--key', key, '--transfer-ports', '17000-17100')).toBe(2);
    expect(cli.io.err).toContain('go with --transfer direct');
    cli.clear();
    expect(await run('backup', 'run', '--provider', 'p', '--instance', 'i', '--destination', 'nope')).toBe(4);
    expect(cli.io.err).toContain('No backup destination "nope". List them with: backstack destination list');
  });

  it('snapshot release names an unknown cloud, and says the next backup is full only once it released', async () => {
    expect(await run('snapshot', 'release', '--provider', 'nope', '--instance', 'i-1')).toBe(4);
    expect(cli.io.err).toContain('No cloud');
    expect(cli.io.err).not.toContain('next backup');
    cli.clear();
    expect(await run('snapshot', 'release', '--instance', 'i-1')).toBe(2);
    expect(cli.io.err).toContain("required option '--provider <name>'");
  });

  it('restore refuses options its target does not use', async () => {
    expect(await run('restore', 'run', '--backup', 'b', '--host', 'kvm-1')).toBe(2);
    expect(cli.io.err).toContain('--host goes with --libvirt');
    cli.clear();
    expect(await run('restore', 'run', '--backup', 'b', '--libvirt', '--flavor', 'm1.small', '--keypair', 'k')).toBe(2);
    expect(cli.io.err).toContain('--flavor, --keypair go with a restore through Nova');
  });

  it('fails a restore of a restore point the catalog does not know, naming it', async () => {
    expect(await run('restore', 'run', '--backup', 'srv-1/2026-11-26T12-00-00.000Z')).toBe(4);
    expect(cli.io.err).toContain('No restore point srv-1/2026-11-26T12-00-00.000Z');
  });

  it('provider add refuses a clouds.yaml without a cloud to take from it', async () => {
    const rc = path.join(cli.home, 'openrc');
    fs.writeFileSync(rc, 'export OS_AUTH_URL=https://keystone.example:5000/v3\n');
    expect(await run('provider', 'add', '--name', 'c', '--openrc', rc, '--clouds-yaml', rc)).toBe(2);
    expect(cli.io.err).toContain('--clouds-yaml goes with --cloud NAME');
  });
});
