import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { BlockDevice } from './device';
import * as P from './protocol';
import { ConnectionClosed, SocketReader } from './socket-reader';

/** One export as a session sees it. */
export interface ServedExport {
  readonly name: string;
  readonly description: string;
  readonly device: BlockDevice;
}

export interface SessionHost {
  /** the export of that name ("" = the only one, when one is served), or undefined */
  lookup(name: string): ServedExport | undefined;
  list(): ServedExport[];
  /** with TLS: every option but STARTTLS and ABORT is refused before it (FORCEDTLS) */
  secureContext: tls.SecureContext | undefined;
  log(level: 'info' | 'warn', message: string): void;
}

/** A client that breaks the protocol: it is disconnected (the reason is logged). */
class ProtocolViolation extends Error {}

const NEGOTIATION_TIMEOUT_MS = 30_000;
const MAX_OPTIONS = 128;
const FINISH_TIMEOUT_MS = 5000;
/** invalid requests answered with an error before the client is cut off */
const MAX_INVALID_REQUESTS = 64;

/**
 * One client connection: fixed newstyle negotiation, then the transmission phase, one request at
 * a time (each answered before the next is read, which bounds memory to one payload). Never
 * throws: whatever the client sends, the worst outcome is its own disconnection.
 */
export class Session {
  private stream: Duplex;
  private reader: SocketReader;
  private tlsActive = false;
  private served: ServedExport | null = null;
  private invalid = 0;

  constructor(
    private readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    this.stream = socket;
    this.reader = new SocketReader(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // reported through the reader
  }

  /** the export this connection uses once negotiated */
  get export(): ServedExport | null {
    return this.served;
  }

  async run(): Promise<void> {
    const timer = setTimeout(() => this.close('did not finish negotiating in time'), NEGOTIATION_TIMEOUT_MS);
    try {
      const chosen = await this.negotiate().finally(() => clearTimeout(timer));
      if (!chosen) return;
      this.served = chosen;
      await this.transmit(chosen.device);
    } catch (e) {
      if (e instanceof ProtocolViolation) this.host.log('warn', `NBD client ${this.peer()} disconnected: ${e.message}`);
      else if (!(e instanceof ConnectionClosed)) this.host.log('warn', `NBD client ${this.peer()}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.finish();
    }
  }

  /** Disconnects the client at once (the export stops, the server closes, negotiation timed out). */
  close(reason?: string): void {
    if (reason) this.host.log('warn', `NBD client ${this.peer()} disconnected: ${reason}`);
    this.reader.detach();
    this.stream.destroy();
    this.socket.destroy();
  }

  /** Ends the session once the replies already written are sent (a client that reads nothing gets 5 s). */
  private finish(): void {
    this.reader.detach();
    const s = this.stream as Socket;
    if (s.destroyed || typeof s.destroySoon !== 'function') return this.close();
    s.once('close', () => this.socket.destroy());
    s.destroySoon();
    setTimeout(() => this.close(), FINISH_TIMEOUT_MS).unref();
  }

  private peer(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  private async send(...parts: Buffer[]): Promise<void> {
    let ok = true;
    for (const p of parts) ok = this.stream.write(p);
    if (!ok && !this.stream.destroyed)
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.stream.off('close', fail);
          resolve();
        };
        const fail = () => {
          this.stream.off('drain', done);
          reject(new ConnectionClosed());
        };
        this.stream.once('drain', done);
        this.stream.once('close', fail);
      });
  }

  /** Option haggling; resolves with the chosen export, or null when the client aborted. */
  private async negotiate(): Promise<ServedExport | null> {
    await this.send(P.greeting());
    const clientFlags = (await this.reader.read(4)).readUInt32BE(0);
    if (clientFlags & ~P.CLIENT_FLAGS_KNOWN) throw new ProtocolViolation(`unknown client flags 0x${clientFlags.toString(16)}`);
    const fixed = (clientFlags & P.FLAG_FIXED_NEWSTYLE) !== 0;
    const noZeroes = (clientFlags & P.FLAG_NO_ZEROES) !== 0;
    for (let n = 0; n < MAX_OPTIONS; n++) {
      const h = await this.reader.read(16);
      if (h.readBigUInt64BE(0) !== P.IHAVEOPT) throw new ProtocolViolation('bad option magic');
      const opt = h.readUInt32BE(8);
      const len = h.readUInt32BE(12);
      if (len > P.MAX_OPTION_DATA) throw new ProtocolViolation(`option ${opt} carries ${len} bytes`);
      const data = await this.reader.read(len);
      // Old (non-fixed) newstyle clients know one option; this server speaks fixed newstyle otherwise.
      if (!fixed && opt !== P.OPT.EXPORT_NAME) throw new ProtocolViolation('only NBD_OPT_EXPORT_NAME without fixed newstyle');
      if (this.host.secureContext && !this.tlsActive && opt !== P.OPT.STARTTLS && opt !== P.OPT.ABORT) {
        if (opt === P.OPT.EXPORT_NAME) throw new ProtocolViolation('NBD_OPT_EXPORT_NAME before TLS on a TLS-only server');
        await this.send(P.optionError(opt, P.REP.ERR_TLS_REQD, 'This server requires TLS: start it with NBD_OPT_STARTTLS.'));
        continue;
      }
      switch (opt) {
        case P.OPT.EXPORT_NAME: {
          const exp = this.host.lookup(data.toString('utf8'));
          if (!exp) throw new ProtocolViolation(`no export "${data.toString('utf8').slice(0, 100)}"`);
          await this.send(P.exportNameReply(exp.device.size, flagsOf(exp.device), noZeroes));
          return exp;
        }
        case P.OPT.ABORT:
          await this.send(P.optionReply(opt, P.REP.ACK));
          return null;
        case P.OPT.LIST:
          if (len !== 0) {
            await this.send(P.optionError(opt, P.REP.ERR_INVALID, 'NBD_OPT_LIST takes no data.'));
            break;
          }
          for (const e of this.host.list()) await this.send(P.optionReply(opt, P.REP.SERVER, P.serverEntry(e.name, e.description)));
          await this.send(P.optionReply(opt, P.REP.ACK));
          break;
        case P.OPT.STARTTLS:
          if (!this.host.secureContext) await this.send(P.optionError(opt, P.REP.ERR_UNSUP, 'This server does not offer TLS.'));
          else if (this.tlsActive || len !== 0)
            await this.send(P.optionError(opt, P.REP.ERR_INVALID, 'TLS is already on, or STARTTLS carried data.'));
          else await this.startTls(this.host.secureContext);
          break;
        case P.OPT.INFO:
        case P.OPT.GO: {
          const exp = await this.info(opt, data);
          if (exp && opt === P.OPT.GO) return exp;
          break;
        }
        default:
          await this.send(P.optionError(opt, P.REP.ERR_UNSUP, `Option ${opt} is not supported by this server.`));
      }
    }
    throw new ProtocolViolation(`more than ${MAX_OPTIONS} options`);
  }

  /** NBD_OPT_INFO / NBD_OPT_GO: the export's size, flags and block sizes (and name, description when asked). */
  private async info(opt: number, data: Buffer): Promise<ServedExport | undefined> {
    const nameLen = data.length >= 4 ? data.readUInt32BE(0) : -1;
    const reqAt = 4 + nameLen;
    const count = nameLen >= 0 && data.length >= reqAt + 2 ? data.readUInt16BE(reqAt) : -1;
    if (count < 0 || data.length !== reqAt + 2 + 2 * count) {
      await this.send(P.optionError(opt, P.REP.ERR_INVALID, 'Malformed NBD_OPT_INFO/GO data.'));
      return undefined;
    }
    const name = data.subarray(4, reqAt).toString('utf8');
    const exp = this.host.lookup(name);
    if (!exp) {
      await this.send(P.optionError(opt, P.REP.ERR_UNKNOWN, `No export named "${name.slice(0, 200)}" here; list them with NBD_OPT_LIST.`));
      return undefined;
    }
    const asked = new Set<number>();
    for (let i = 0; i < count; i++) asked.add(data.readUInt16BE(reqAt + 2 + 2 * i));
    const replies = [P.infoExport(exp.device.size, flagsOf(exp.device)), P.infoBlockSize()];
    if (asked.has(P.INFO.NAME)) replies.push(P.infoString(P.INFO.NAME, exp.name));
    if (asked.has(P.INFO.DESCRIPTION)) replies.push(P.infoString(P.INFO.DESCRIPTION, exp.description));
    await this.send(...replies.map((r) => P.optionReply(opt, P.REP.INFO, r)), P.optionReply(opt, P.REP.ACK));
    return exp;
  }

  private async startTls(context: tls.SecureContext): Promise<void> {
    await this.send(P.optionReply(P.OPT.STARTTLS, P.REP.ACK));
    // The client waits for the ACK before its TLS hello: bytes already here break the protocol.
    if (this.reader.pending > 0) throw new ProtocolViolation('data sent before the TLS handshake');
    this.reader.detach();
    const secure = new tls.TLSSocket(this.socket, { isServer: true, secureContext: context });
    secure.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', resolve);
      secure.once('error', (e) => reject(new ProtocolViolation(`TLS handshake failed: ${e.message}`)));
      secure.once('close', () => reject(new ConnectionClosed()));
    });
    this.stream = secure;
    this.reader = new SocketReader(secure);
    this.tlsActive = true;
  }

  /** The transmission phase: until NBD_CMD_DISC, a disconnection or a protocol violation. */
  private async transmit(device: BlockDevice): Promise<void> {
    for (;;) {
      const r = P.parseRequest(await this.reader.read(P.REQUEST_SIZE));
      if (r.magic !== P.REQUEST_MAGIC) throw new ProtocolViolation('bad request magic');
      if (r.type === P.CMD.DISC) return;
      // A write's payload must be read whatever the answer; beyond the largest block it is not read at all.
      if (r.length > P.MAX_PAYLOAD) {
        await this.send(P.simpleReply(r.handle, P.ERR.EINVAL));
        throw new ProtocolViolation(`request of ${r.length} bytes (at most ${P.MAX_PAYLOAD})`);
      }
      const payload = r.type === P.CMD.WRITE ? await this.reader.read(r.length) : null;
      const error = this.check(r, device);
      if (error) {
        await this.send(P.simpleReply(r.handle, error));
        if (++this.invalid >= MAX_INVALID_REQUESTS) throw new ProtocolViolation(`${MAX_INVALID_REQUESTS} invalid requests`);
        continue;
      }
      await this.execute(r, device, payload);
    }
  }

  /** The errno a request is refused with, or 0 when it may run. */
  private check(r: P.Request, device: BlockDevice): number {
    const known = r.type === P.CMD.READ || r.type === P.CMD.WRITE || r.type === P.CMD.FLUSH || r.type === P.CMD.TRIM;
    if (!known || (r.flags & ~P.CMD_FLAG_FUA) !== 0) return P.ERR.EINVAL;
    if ((r.type === P.CMD.WRITE || r.type === P.CMD.TRIM) && device.readOnly) return P.ERR.EPERM;
    if (r.type === P.CMD.FLUSH) return 0;
    if (r.offset > BigInt(device.size) || Number(r.offset) + r.length > device.size) return P.ERR.EINVAL;
    return 0;
  }

  private async execute(r: P.Request, device: BlockDevice, payload: Buffer | null): Promise<void> {
    const offset = Number(r.offset);
    let data: Buffer | null = null;
    try {
      if (r.type === P.CMD.READ) data = r.length === 0 ? Buffer.alloc(0) : await device.read(offset, r.length);
      else if (r.type === P.CMD.WRITE && payload!.length > 0) await device.write!(offset, payload!);
      else if (r.type === P.CMD.TRIM && r.length > 0) await device.trim?.(offset, r.length);
      if (r.type === P.CMD.FLUSH || (r.flags & P.CMD_FLAG_FUA && !device.readOnly)) await device.flush?.();
    } catch (e) {
      this.host.log(
        'warn',
        `NBD ${this.served?.name ?? ''}: request ${r.type} at ${offset}+${r.length} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      await this.send(P.simpleReply(r.handle, (e as NodeJS.ErrnoException).code === 'ENOSPC' ? P.ERR.ENOSPC : P.ERR.EIO));
      return;
    }
    if (data && data.length !== r.length) {
      // A short read cannot be told in a simple reply: the data would be misframed.
      await this.send(P.simpleReply(r.handle, P.ERR.EIO));
      return;
    }
    await this.send(...(data ? [P.simpleReply(r.handle, 0), data] : [P.simpleReply(r.handle, 0)]));
  }
}

/** Transmission flags: read-only exports may be used over several connections at once. */
export function flagsOf(device: BlockDevice): number {
  const f = P.TFLAG.HAS_FLAGS | P.TFLAG.SEND_FLUSH;
  return device.readOnly ? f | P.TFLAG.READ_ONLY | P.TFLAG.CAN_MULTI_CONN : f | P.TFLAG.SEND_FUA | P.TFLAG.SEND_TRIM;
}
