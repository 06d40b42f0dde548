import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TransferError } from './errors';
import type { SshTarget } from './ssh';

/**
 * The disk stream through the system's OpenSSH client instead of ssh2: `ssh -N -L local.sock:
 * qemu-nbd.sock`. ssh2 encrypts in JavaScript's thread and reaches about 0.7x of `ssh host cat`;
 * OpenSSH does it in a process of its own, on another core. Same trust as the job's connection:
 * the host key it must present is the one the job's ssh2 connection verified against the pin
 * (a known_hosts of our own with only that key, StrictHostKeyChecking=yes), the private key is
 * written for the process's lifetime to a folder only we can read, and nothing of the user's
 * ~/.ssh (config, agent, known_hosts) is used. Key authentication without a passphrase only:
 * other credentials keep the ssh2 stream. BACKSTACK_SSH_CLIENT=ssh2 turns this off.
 */

let sshBinary: boolean | undefined;
const haveOpenSsh = (): boolean => (sshBinary ??= spawnSync('ssh', ['-V'], { stdio: 'ignore' }).status === 0);

/** Whether the stream of a connection to `t` (which showed `hostKey`) can go through OpenSSH. */
export function opensshUsable(t: SshTarget, hostKey: Buffer | null): boolean {
  return process.env.BACKSTACK_SSH_CLIENT !== 'ssh2' && hostKey !== null && t.auth.kind === 'key' && !t.auth.passphrase && haveOpenSsh();
}

export interface Forward {
  /** connect here for the remote socket */
  socket: string;
  close(): Promise<void>;
}

const ALIAS = 'backstack-pinned-host';

/** known_hosts' algorithm list for a key type: an RSA key is offered under its SHA-2 names. */
const algorithms = (type: string): string => (type === 'ssh-rsa' ? 'rsa-sha2-512,rsa-sha2-256,ssh-rsa' : type);

function keyType(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Forwards a UNIX socket on the host to one in a private folder here, until close(). */
export async function forwardUnixSocket(t: SshTarget, hostKey: Buffer, remoteSocket: string, signal?: AbortSignal): Promise<Forward> {
  if (t.auth.kind !== 'key') throw new TransferError('OpenSSH forwarding needs key authentication.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-ssh-'));
  fs.chmodSync(dir, 0o700);
  const keyFile = path.join(dir, 'id');
  const knownHosts = path.join(dir, 'known_hosts');
  const local = path.join(dir, 'nbd.sock');
  const type = keyType(hostKey);
  fs.writeFileSync(keyFile, t.auth.privateKey.endsWith('\n') ? t.auth.privateKey : `${t.auth.privateKey}\n`, { mode: 0o600 });
  fs.writeFileSync(knownHosts, `${ALIAS} ${type} ${hostKey.toString('base64')}\n`, { mode: 0o600 });
  const args = [
    '-F', '/dev/null', '-N', '-T',
    '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', keyFile,
    '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', `HostKeyAlias=${ALIAS}`, '-o', `HostKeyAlgorithms=${algorithms(type)}`,
    '-o', 'ExitOnForwardFailure=yes', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3',
    '-o', `ConnectTimeout=${Math.ceil((t.readyTimeoutMs ?? 20_000) / 1000)}`,
    '-p', String(t.port), '-l', t.user, '-L', `${local}:${remoteSocket}`, '--', t.address,
  ];
  const proc = spawn('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  const cleanup = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      // ssh creates the socket once authenticated and the forward is set up: wait for it to appear, or for ssh to end.
      const watcher = fs.watch(dir, () => {
        if (fs.existsSync(local)) done();
      });
      const onAbort = (): void => done(signal?.reason ?? new Error('aborted'));
      const done = (e?: unknown): void => {
        watcher.close();
        signal?.removeEventListener('abort', onAbort);
        if (e) reject(e instanceof Error ? e : new Error(String(e)));
        else resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void exited.then((code) => done(new TransferError(`OpenSSH to ${t.host} ended (${code}) before it forwarded the disk: ${stderr.trim() || 'no message'}`)));
      if (fs.existsSync(local)) done();
    });
  } catch (e) {
    await cleanup();
    throw e;
  }
  fs.rmSync(keyFile, { force: true }); // read at authentication: not left on disk while the stream runs
  return { socket: local, close: cleanup };
}

/**
 * Connects to a forward's socket. ssh binds the socket (which makes the file appear) a moment
 * before it listens: a connection in between is refused, so that one error is retried for a
 * while. Probing ahead is no option: qemu-nbd serves one client, and a probe would be it.
 */
export async function connectForwarded(socket: string, withinMs = 5_000, onRefused?: () => void): Promise<net.Socket> {
  const until = Date.now() + withinMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 100)) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(socket);
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || Date.now() > until) throw e;
      onRefused?.();
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
