import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { shellCommand } from '../../lib/shell-quote';
import { HostKeyChangedError, RemoteCommandError, SshConnectError, SshConnectionLostError } from './errors';

/**
 * One SSH connection to a hypervisor (ssh2): key or password authentication, the host key
 * pinned by its SHA-256 fingerprint, commands only from argument vectors, streamed output.
 */

export type SshAuth = { kind: 'key'; privateKey: string; passphrase?: string } | { kind: 'password'; password: string };

export interface SshTarget {
  /** for messages: the compute host name */
  host: string;
  address: string;
  port: number;
  user: string;
  auth: SshAuth;
  /** "ssh-ed25519 SHA256:…" (or just "SHA256:…"); null on the first connection */
  pinnedHostKey: string | null;
  /** called with the key seen on a first connection, before authentication: store it */
  onFirstHostKey?: (hostKey: string) => void;
  readyTimeoutMs?: number;
}

/** "ssh-ed25519 SHA256:base64" of a public key blob, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(blob: Buffer): string {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = len > 0 && len < 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
  return `${type} SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const sha256Part = (pin: string): string => pin.trim().split(/\s+/).find((w) => w.startsWith('SHA256:')) ?? pin.trim();

export interface RemoteProcess {
  readonly stdout: Readable;
  /** resolves when the command ended with status 0; rejects with RemoteCommandError otherwise */
  readonly done: Promise<void>;
  /** the channel's stdin (end it to send EOF) */
  readonly stdin: NodeJS.WritableStream;
  /** closes the channel: the remote side sees EOF and a closed pipe */
  close(): void;
}

export interface ExecOptions {
  signal?: AbortSignal;
  /** a short label for error messages (default: the program name) */
  label?: string;
}

const MAX_STDERR = 64 * 1024;

export class SshSession {
  private lost: Error | null = null;
  private readonly onLost = new Set<(e: Error) => void>();

  private constructor(
    private readonly client: Client,
    readonly host: string,
    /** the host key the server presented */
    readonly hostKey: string,
    private readonly target: SshTarget,
    /** that key itself (verified against the pin): what a second client must be shown (openssh-forward.ts) */
    readonly hostKeyBlob: Buffer | null = null,
  ) {
    const fail = (): void => {
      if (this.lost) return;
      this.lost = new SshConnectionLostError(host);
      for (const fn of this.onLost) fn(this.lost);
    };
    client.on('close', fail);
    client.on('error', fail);
  }

  /**
   * Connects to `t`; with `via`, through that session (a jump host: `ssh -J`), as a TCP stream
   * it opens to t.address:t.port. The jump host's key was checked by its own session.
   */
  static async connect(t: SshTarget, signal?: AbortSignal, via?: SshSession): Promise<SshSession> {
    const sock = via ? await via.tunnel(t.address, t.port) : undefined;
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const client = new Client();
      let presented = '';
      let blob: Buffer | null = null;
      let refused: Error | null = null;
      const onAbort = (): void => {
        client.end();
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const config: ConnectConfig = {
        host: t.address,
        port: t.port,
        username: t.user,
        readyTimeout: t.readyTimeoutMs ?? 20_000,
        ...(sock ? { sock } : {}),
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          presented = hostKeyFingerprint(key);
          blob = Buffer.from(key);
          if (t.pinnedHostKey === null) {
            t.onFirstHostKey?.(presented);
            return true;
          }
          if (sha256Part(t.pinnedHostKey) === sha256Part(presented)) return true;
          refused = new HostKeyChangedError(t.host, t.pinnedHostKey, presented);
          return false;
        },
        ...(t.auth.kind === 'key'
          ? { privateKey: t.auth.privateKey, ...(t.auth.passphrase ? { passphrase: t.auth.passphrase } : {}) }
          : { password: t.auth.password, tryKeyboard: false }),
      };
      client.once('ready', () => {
        signal?.removeEventListener('abort', onAbort);
        // NBD requests are tiny writes answered by bulk data: Nagle would hold each request back
        // until the previous one is acknowledged, adding a delay per read.
        client.setNoDelay(true);
        resolve(new SshSession(client, t.host, presented, t, blob));
      });
      client.once('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        client.end();
        reject(refused ?? new SshConnectError(`${t.host} (${t.user}@${t.address}:${t.port})`, e));
      });
      client.connect(config);
    });
  }

  /**
   * The settings for a second connection to this host (a worker thread's data stream), pinned
   * to the key this one was shown. Plain data: it can be handed to a worker.
   */
  get sibling(): SshTarget {
    const { host, address, port, user, auth, readyTimeoutMs } = this.target;
    return { host, address, port, user, auth, pinnedHostKey: this.hostKey, ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }) };
  }

  /** Runs argv (each word quoted) and streams its stdout. */
  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<RemoteProcess> {
    const command = shellCommand(argv);
    const label = opts.label ?? argv[0] ?? 'command';
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(this.lost);
      opts.signal?.throwIfAborted();
      this.client.exec(command, (err, ch) => {
        if (err) return reject(this.lost ?? new SshConnectionLostError(this.host));
        resolve(this.track(ch, label, opts.signal));
      });
    });
  }

  /** Runs argv and returns its stdout as text; non-zero exit → RemoteCommandError. */
  async run(argv: readonly string[], opts: ExecOptions & { input?: string } = {}): Promise<string> {
    const p = await this.exec(argv, opts);
    if (opts.input !== undefined) p.stdin.write(opts.input);
    p.stdin.end();
    const chunks: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    await p.done;
    return Buffer.concat(chunks).toString('utf8');
  }

  /**
   * Runs a fixed shell script written in this code base with arguments passed as $1, $2 …:
   * `sh -c SCRIPT backstack ARGS…`, every word quoted. Scripts never interpolate values.
   */
  script(script: string, args: readonly string[], opts: ExecOptions = {}): Promise<RemoteProcess> {
    return this.exec(['sh', '-c', script, 'backstack', ...args], { label: opts.label ?? 'sh', ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  /** A TCP stream from the host to address:port (direct-tcpip, like `ssh -W`). */
  tunnel(address: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(this.lost);
      this.client.forwardOut('127.0.0.1', 0, address, port, (err, ch) =>
        err ? reject(new SshConnectError(`${address}:${port} through ${this.host}`, err)) : resolve(ch),
      );
    });
  }

  /** A stream to a UNIX socket on the host (direct-streamlocal, like `ssh -L local:remote.sock`). */
  openUnixSocket(path: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(this.lost);
      this.client.openssh_forwardOutStreamLocal(path, (err, ch) => (err ? reject(new RemoteCommandError(`connect ${path}`, null, err.message)) : resolve(ch)));
    });
  }

  /** Calls fn when the connection drops; returns an unsubscribe function. */
  whenLost(fn: (e: Error) => void): () => void {
    if (this.lost) fn(this.lost);
    this.onLost.add(fn);
    return () => this.onLost.delete(fn);
  }

  get isLost(): boolean {
    return this.lost !== null;
  }

  /** Tears the TCP connection down at once (tests simulate a dropped link with it). */
  destroy(): void {
    // ssh2 keeps its socket private; reaching it is the one way to drop the link as a network would.
    const sock: unknown = Reflect.get(this.client, '_sock');
    if (sock instanceof Socket) sock.destroy();
  }

  close(): void {
    this.client.end();
  }

  private track(ch: ClientChannel, label: string, signal: AbortSignal | undefined): RemoteProcess {
    let stderr = '';
    ch.stderr.on('data', (c: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += c.toString('utf8');
    });
    let code: number | null = null;
    ch.on('exit', (c: number | null) => {
      code = c;
    });
    const done = new Promise<void>((resolve, reject) => {
      const offLost = this.whenLost((e) => {
        ch.destroy();
        reject(e);
      });
      const onAbort = (): void => {
        ch.close();
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ch.on('close', () => {
        offLost();
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) return reject(signal.reason);
        if (this.lost) return reject(this.lost);
        if (code === 0) resolve();
        else reject(new RemoteCommandError(label, code, stderr));
      });
    });
    done.catch(() => undefined); // observed by whoever awaits it
    return { stdout: ch, stdin: ch, done, close: () => ch.close() };
  }
}

/**
 * What the disk transfer needs of a connection to a host: commands, scripts and its UNIX sockets,
 * and, for the OpenSSH stream (openssh-forward.ts), its settings and the key it verified. An
 * SshSession is one; the transfer tests run the host's side locally with the first three only.
 */
export type HostShell = Pick<SshSession, 'host' | 'run' | 'script' | 'openUnixSocket'> & Partial<Pick<SshSession, 'hostKeyBlob' | 'sibling'>>;
