import net from 'node:net';
import tls from 'node:tls';
import { AppError } from '../../../shared/errors/app-error';
import { DEFAULT_PORT } from './address';
import type { BlockDevice } from './device';
import { Session, type ServedExport } from './session';

export interface NbdServerOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 10809 (NBD's port); 0 picks a free one */
  port?: number;
  /** PEM certificate chain and key: the server then requires TLS (NBD_OPT_STARTTLS) before anything else */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** connections at once (default 64); more are refused at once */
  maxConnections?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** Export names are path segments of an nbd:// URL and words on a command line: kept plain. */
export const EXPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * An NBD server (fixed newstyle) on one address, serving any number of named exports; exports
 * come and go while it runs. See README.md for the protocol subset.
 */
export class NbdServer {
  private readonly exports = new Map<string, ServedExport>();
  private readonly sessions = new Set<Session>();
  private readonly secureContext: tls.SecureContext | undefined;
  private readonly log: NonNullable<NbdServerOptions['log']>;

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    secureContext: tls.SecureContext | undefined,
    log: NbdServerOptions['log'],
  ) {
    this.secureContext = secureContext;
    this.log = log ?? (() => undefined);
  }

  /** Listens; refuses with the system's error (EADDRINUSE, EADDRNOTAVAIL …) when it cannot. */
  static async listen(opts: NbdServerOptions = {}): Promise<NbdServer> {
    let secureContext: tls.SecureContext | undefined;
    try {
      secureContext = opts.tls ? tls.createSecureContext({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }) : undefined;
    } catch (e) {
      throw new AppError(
        'validation.invalidInput',
        `The TLS certificate and key are not usable (${(e as Error).message}): give a PEM certificate and its own private key.`,
      );
    }
    const server = net.createServer();
    server.maxConnections = opts.maxConnections ?? 64;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 10809, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as net.AddressInfo;
    const nbd = new NbdServer(server, a.address, a.port, secureContext, opts.log);
    server.on('connection', (socket) => nbd.accept(socket));
    server.on('error', (e) => nbd.log('warn', `NBD server ${a.address}:${a.port}: ${e.message}`));
    return nbd;
  }

  /**
   * Listens on `port`, or without one on NBD's port 10809 — or a free port when that one is taken
   * (another export, another program). Refusals say what to change.
   */
  static async open(opts: Omit<NbdServerOptions, 'port'> & { port: number | undefined }): Promise<NbdServer> {
    const host = opts.host ?? '127.0.0.1';
    try {
      return await NbdServer.listen({ ...opts, port: opts.port ?? DEFAULT_PORT });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && opts.port === undefined) return NbdServer.listen({ ...opts, port: 0 });
      if (code === 'EADDRINUSE')
        throw new AppError(
          'resource.conflict',
          `Port ${opts.port} on ${host} is in use by another program: choose another port, or leave it out to get a free one.`,
        );
      if (code === 'EADDRNOTAVAIL')
        throw new AppError(
          'validation.invalidInput',
          `${host} is not an address of this machine: listen on 127.0.0.1, 0.0.0.0 or one of its own addresses.`,
        );
      if (code === 'EACCES') throw new AppError('auth.forbidden', `Listening on port ${opts.port} needs privileges: choose a port above 1023.`);
      throw e;
    }
  }

  get tls(): boolean {
    return this.secureContext !== undefined;
  }

  /** Serves `device` under `name` from now on. */
  add(name: string, device: BlockDevice, description = ''): void {
    if (!EXPORT_NAME.test(name)) throw new Error(`Export name "${name}" is not 1-200 of A-Z a-z 0-9 . _ - (starting with a letter or digit).`);
    if (this.exports.has(name)) throw new Error(`An export named "${name}" is served already.`);
    this.exports.set(name, { name, description, device });
  }

  /** Stops serving `name`: new clients no longer find it, and its connected clients are disconnected. */
  remove(name: string): void {
    const exp = this.exports.get(name);
    if (!exp) return;
    this.exports.delete(name);
    for (const s of this.sessions) if (s.export === exp) s.close();
  }

  names(): string[] {
    return [...this.exports.keys()];
  }

  /** clients connected to `name` now */
  connections(name: string): number {
    let n = 0;
    for (const s of this.sessions) if (s.export?.name === name) n++;
    return n;
  }

  /** Stops listening and disconnects every client. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const session = new Session(socket, {
      lookup: (name) => this.exports.get(name) ?? (name === '' && this.exports.size === 1 ? [...this.exports.values()][0] : undefined),
      list: () => [...this.exports.values()],
      secureContext: this.secureContext,
      log: this.log,
    });
    this.sessions.add(session);
    void session.run().finally(() => this.sessions.delete(session));
  }
}
