// SSH to the hypervisors (hypervisors.json written by e2e/lab/up) and to the proxy VM (proxy.json
// written by e2e/lab/seed), with the host keys pinned. ssh runs via execFile with an argument
// array; the remote command is quoted word by word for the remote shell.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { labDir, readJsonIfExists } from './lab';

const run = promisify(execFile);

export interface SshTarget {
  address: string;
  port: number;
  user: string;
  keyPath: string;
  /** "ssh-ed25519 AAAA..." */
  hostKey: string;
}
export interface Hypervisor {
  /** host name as Nova reports it (OS-EXT-SRV-ATTR:host) */
  host: string;
  hypervisorHostname: string;
  imagesType: 'qcow2' | 'raw' | string;
  instancesPath: string;
  ssh: SshTarget;
}
export interface ProxyVm {
  server: string;
  id: string;
  address: string;
  user: string;
  keyPath: string;
  hostKey: string;
  /** the hypervisor (Nova host) to jump through */
  jumpHost: string;
}

/** BACKSTACK_TEST_HYPERVISORS or the lab's state/hypervisors.json */
export function loadHypervisors(): Hypervisor[] {
  const file = process.env.BACKSTACK_TEST_HYPERVISORS ?? join(labDir, 'hypervisors.json');
  const doc = readJsonIfExists<{ hypervisors: Hypervisor[] }>(file);
  if (!doc) throw new Error(`no ${file}: run e2e/lab/up or set BACKSTACK_TEST_HYPERVISORS`);
  return doc.hypervisors;
}
/** BACKSTACK_TEST_PROXY or the lab's state/proxy.json (undefined if there is none) */
export function loadProxy(): ProxyVm | undefined {
  return readJsonIfExists<ProxyVm>(process.env.BACKSTACK_TEST_PROXY ?? join(labDir, 'proxy.json'));
}

export const shQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const dir = mkdtempSync(join(tmpdir(), 'backstack-lab-ssh-'));
let seq = 0;
const knownHost = (t: SshTarget): string => `${t.port === 22 ? t.address : `[${t.address}]:${t.port}`} ${t.hostKey}\n`;

function hostBlock(alias: string, t: SshTarget, extra: string[] = []): string {
  const known = join(dir, `known_hosts.${++seq}`);
  writeFileSync(known, knownHost(t));
  return [
    `Host ${alias}`,
    `  HostName ${t.address}`,
    `  Port ${t.port}`,
    `  User ${t.user}`,
    `  IdentityFile ${t.keyPath}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${known}`,
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  ConnectTimeout 15',
    '  LogLevel ERROR',
    ...extra,
    '',
  ].join('\n');
}
function writeConfig(text: string): string {
  const file = join(dir, `ssh_config.${++seq}`);
  writeFileSync(file, text);
  return file;
}

async function sshWith(config: string, alias: string, argv: string[], timeoutMs: number): Promise<string> {
  const { stdout } = await run('ssh', ['-F', config, alias, '--', argv.map(shQuote).join(' ')], {
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Runs argv on the hypervisor; resolves with stdout, rejects on a non-zero exit. */
export function onHypervisor(hv: Hypervisor, argv: string[], timeoutMs = 60_000): Promise<string> {
  return sshWith(writeConfig(hostBlock('hv', hv.ssh)), 'hv', argv, timeoutMs);
}

/** Runs argv on the proxy VM, reached through its hypervisor (ProxyJump). */
export function onProxy(proxy: ProxyVm, jump: Hypervisor, argv: string[], timeoutMs = 60_000): Promise<string> {
  const target: SshTarget = { address: proxy.address, port: 22, user: proxy.user, keyPath: proxy.keyPath, hostKey: proxy.hostKey };
  const config = writeConfig(hostBlock('jump', jump.ssh) + hostBlock('proxy', target, ['  ProxyJump jump']));
  return sshWith(config, 'proxy', argv, timeoutMs);
}
