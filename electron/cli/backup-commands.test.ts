import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultContext, type CliContext } from './context';
import { main } from './main';

// The libvirt-strategy commands' wiring; the strategy itself is tested against the lab.
let dir: string;
let out: string;
let err: string;
let ctx: CliContext;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-cli-backup-'));
  out = '';
  err = '';
  ctx = { ...defaultContext({ BACKSTACK_HOME: dir }), out: (s) => (out += s), err: (s) => (err += s) };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => main(['node', 'backstack', ...args], ctx);

describe('backup, restore and hypervisor commands', () => {
  it('lists no backups of an instance yet', async () => {
    expect(await run('backup', 'list', '--instance', 'i-1', '--json')).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
    out = '';
    expect(await run('backup', 'list', '--instance', 'i-1')).toBe(0);
    expect(out).toContain('No backup of i-1 yet');
  });

  it('refuses contradictory or unknown targets with a clear message', async () => {
    expect(await run('backup', 'run', '--provider', 'p', '--instance', 'i', '--full', '--incremental')).toBe(1);
    expect(err).toContain('--full or --incremental');
    err = '';
    const key = path.join(dir, 'id_ed25519');
    fs.writeFileSync(key, 'not a key');
    expect(await run('hypervisor', 'ssh', '--provider', 'nope', '--host', 'kvm-1', '--address', '10.0.0.1', '--user', 'root', '--key', key)).toBe(4);
    expect(err).toContain('No cloud');
    err = '';
    expect(await run('hypervisor', 'ssh', '--provider', 'nope', '--host', 'kvm-1', '--address', '10.0.0.1', '--user', 'root')).toBe(1);
    expect(err).toContain('--key FILE or --password-stdin');
  });

  it('fails a restore of a backup the catalog does not know, naming it', async () => {
    expect(await run('restore', 'run', '--backup', 'srv-1/2026-11-26T12-00-00.000Z')).toBe(4);
    expect(err).toContain('No restore point srv-1/2026-11-26T12-00-00.000Z');
  });
});
