import type { Duplex } from 'node:stream';
import { TransferError } from './errors';
import { copyBytes } from '../../lib/bytes';

/**
 * A small NBD client (fixed newstyle handshake, NBD_OPT_EXPORT_NAME, simple replies) over any
 * duplex stream: here an SSH direct-streamlocal channel to a `qemu-nbd` socket on the
 * hypervisor. qemu-nbd decodes qcow2 chains and RBD for us, so the guest-visible bytes of a
 * frozen disk can be read at any offset (only what changed, only what is allocated) and a
 * restored disk written the same way. Requests are pipelined; replies may come in any order.
 */

const NBDMAGIC = Buffer.from('NBDMAGIC');
const IHAVEOPT = Buffer.from('IHAVEOPT');
const REQUEST_MAGIC = 0x25609513;
const SIMPLE_REPLY_MAGIC = 0x67446698;
const FLAG_FIXED_NEWSTYLE = 1;
const FLAG_NO_ZEROES = 2;
const OPT_EXPORT_NAME = 1;
const OPT_STARTTLS = 5;
const OPT_REPLY_MAGIC = 0x3e889045565a9n;
const REP_ACK = 1;
const CMD = { read: 0, write: 1, disc: 2, flush: 3, writeZeroes: 6 } as const;
const TFLAG_READ_ONLY = 1 << 1;
const TFLAG_SEND_WRITE_ZEROES = 1 << 6;
/** qemu-nbd refuses requests over 32 MiB */
export const NBD_MAX_REQUEST = 32 * 1024 * 1024;

interface Pending {
  resolve(data: Buffer | null): void;
  reject(e: Error): void;
  /** READ: where the reply's data goes, filled in order */
  bufs: Buffer[] | null;
}

export class NbdError extends TransferError {
  constructor(message: string) {
    super(message, false);
    this.name = 'NbdError';
  }
}

export class NbdClient {
  size = 0;
  readOnly = true;
  canWriteZeroes = false;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  private readonly pending = new Map<bigint, Pending>();
  private nextHandle = 1n;
  private failure: Error | null = null;
  /** the READ whose data is being received: buffer index and bytes in it */
  private current: { p: Pending; index: number; got: number; handle: bigint } | null = null;
  private handshaking = true;

  private stream: Duplex;
  private readonly listeners = {
    data: (c: Buffer): void => this.onData(c),
    error: (e: Error): void => this.fail(e),
    // An SSH channel may end its readable side without 'close' (half-open): either means gone.
    end: (): void => this.fail(new NbdError('The NBD connection closed.')),
    close: (): void => this.fail(new NbdError('The NBD connection closed.')),
  };

  constructor(stream: Duplex) {
    this.stream = stream;
    this.attach(stream);
  }

  private attach(stream: Duplex): void {
    for (const [event, fn] of Object.entries(this.listeners)) stream.on(event, fn);
  }

  /**
   * Negotiates the export (qemu-nbd's default export is ""). With `startTls`, asks for TLS
   * first (NBD_OPT_STARTTLS) and continues over the stream it returns (a TLS session on the
   * same connection); a server that refuses is an error, never a silent fallback to clear text.
   */
  async handshake(exportName = '', opts: { startTls?: (raw: Duplex) => Promise<Duplex> } = {}): Promise<void> {
    const hello = await this.take(18);
    if (!hello.subarray(0, 8).equals(NBDMAGIC) || !hello.subarray(8, 16).equals(IHAVEOPT)) throw new NbdError('The peer is not a newstyle NBD server.');
    const serverFlags = hello.readUInt16BE(16);
    if (!(serverFlags & FLAG_FIXED_NEWSTYLE)) throw new NbdError('The NBD server does not speak fixed newstyle.');
    const noZeroes = (serverFlags & FLAG_NO_ZEROES) !== 0;
    const clientFlags = Buffer.alloc(4);
    clientFlags.writeUInt32BE(FLAG_FIXED_NEWSTYLE | (noZeroes ? FLAG_NO_ZEROES : 0));
    this.stream.write(clientFlags);
    if (opts.startTls) {
      this.stream.write(option(OPT_STARTTLS, Buffer.alloc(0)));
      const reply = await this.take(20);
      const length = reply.readUInt32BE(16);
      if (length > 0) await this.take(length);
      if (reply.readBigUInt64BE(0) !== OPT_REPLY_MAGIC || reply.readUInt32BE(8) !== OPT_STARTTLS || reply.readUInt32BE(12) !== REP_ACK) {
        throw new NbdError('The NBD server refused TLS (NBD_OPT_STARTTLS).');
      }
      if (this.buffered > 0) throw new NbdError('The NBD server sent data before the TLS handshake.');
      const raw = this.stream;
      for (const [event, fn] of Object.entries(this.listeners)) raw.off(event, fn);
      raw.on('error', () => undefined); // reported by the TLS stream from now on
      raw.pause(); // the server is silent until our ClientHello; TLS reads from here on
      this.stream = await opts.startTls(raw);
      this.attach(this.stream);
    }
    this.stream.write(option(OPT_EXPORT_NAME, Buffer.from(exportName, 'utf8')));
    const info = await this.take(10 + (noZeroes ? 0 : 124));
    this.size = Number(info.readBigUInt64BE(0));
    const tflags = info.readUInt16BE(8);
    this.readOnly = (tflags & TFLAG_READ_ONLY) !== 0;
    this.canWriteZeroes = (tflags & TFLAG_SEND_WRITE_ZEROES) !== 0;
    this.handshaking = false;
    this.pump();
  }

  /** Reads `length` bytes at `offset` into `into` (or a new buffer). */
  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    const buf = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    await this.request(CMD.read, offset, length, null, [buf]);
    return buf;
  }

  /**
   * One request filling several buffers in order (scatter read): large requests cost far less
   * per byte over SSH than many small ones, while each buffer stays one engine chunk.
   */
  async readv(offset: number, bufs: Buffer[]): Promise<Buffer[]> {
    const length = bufs.reduce((n, b) => n + b.length, 0);
    await this.request(CMD.read, offset, length, null, bufs);
    return bufs;
  }

  async write(offset: number, data: Buffer): Promise<void> {
    await this.request(CMD.write, offset, data.length, data, null);
  }

  /** Zeroes a range; qemu makes zero clusters (no data written) where the format allows. */
  async writeZeroes(offset: number, length: number): Promise<void> {
    if (!this.canWriteZeroes) {
      const zero = Buffer.alloc(Math.min(length, 4 * 1024 * 1024));
      for (let done = 0; done < length; done += zero.length) await this.write(offset + done, zero.subarray(0, Math.min(zero.length, length - done)));
      return;
    }
    for (let done = 0; done < length; ) {
      const n = Math.min(NBD_MAX_REQUEST, length - done);
      await this.request(CMD.writeZeroes, offset + done, n, null, null);
      done += n;
    }
  }

  async flush(): Promise<void> {
    await this.request(CMD.flush, 0, 0, null, null);
  }

  /** Says goodbye (NBD_CMD_DISC has no reply) and ends the stream. */
  close(): void {
    if (!this.failure && !this.handshaking) this.stream.write(header(CMD.disc, 0n, 0, 0));
    this.stream.end();
    this.fail(new NbdError('The NBD client was closed.'));
  }

  /** Drops the connection at once: every pending request is rejected (cancel, early exit). */
  abort(reason: Error = new NbdError('The NBD client was aborted.')): void {
    this.fail(reason);
    this.stream.destroy();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private request(type: number, offset: number, length: number, data: Buffer | null, bufs: Buffer[] | null): Promise<Buffer | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (length > NBD_MAX_REQUEST) return Promise.reject(new NbdError(`An NBD request of ${length} bytes is larger than ${NBD_MAX_REQUEST}.`));
    const handle = this.nextHandle++;
    return new Promise((resolve, reject) => {
      this.pending.set(handle, { resolve, reject, bufs });
      this.stream.write(header(type, handle, offset, length));
      if (data) this.stream.write(data);
    });
  }

  private onData(c: Buffer): void {
    this.chunks.push(c);
    this.buffered += c.length;
    if (this.handshaking) {
      const w = this.waiter;
      this.waiter = null;
      w?.();
      return;
    }
    this.pump();
  }

  /** Handshake reads: waits until n bytes are buffered. */
  private async take(n: number): Promise<Buffer> {
    while (this.buffered < n) {
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.waiter = r));
    }
    return this.consume(n);
  }

  private consume(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }

  /** Transmission phase: replies, then READ data copied straight into the caller's buffer. */
  private pump(): void {
    try {
      for (;;) {
        if (this.current) {
          const cur = this.current;
          const bufs = cur.p.bufs as Buffer[];
          while (cur.index < bufs.length && this.chunks.length > 0) {
            const buf = bufs[cur.index]!;
            const c = this.chunks[0]!;
            const n = Math.min(c.length, buf.length - cur.got);
            copyBytes(buf, cur.got, c.subarray(0, n));
            cur.got += n;
            this.buffered -= n;
            if (n === c.length) this.chunks.shift();
            else this.chunks[0] = c.subarray(n);
            if (cur.got === buf.length) {
              cur.index++;
              cur.got = 0;
            }
          }
          if (cur.index < bufs.length) return;
          this.current = null;
          this.pending.delete(cur.handle);
          cur.p.resolve(null);
          continue;
        }
        if (this.buffered < 16) return;
        const h = this.consume(16);
        if (h.readUInt32BE(0) !== SIMPLE_REPLY_MAGIC) throw new NbdError('Unexpected NBD reply (bad magic).');
        const error = h.readUInt32BE(4);
        const handle = h.readBigUInt64BE(8);
        const p = this.pending.get(handle);
        if (!p) throw new NbdError(`NBD reply for an unknown request ${handle}.`);
        if (error !== 0) {
          this.pending.delete(handle);
          p.reject(new NbdError(`NBD request failed with error ${error}${error === 5 ? ' (EIO)' : error === 28 ? ' (ENOSPC)' : error === 22 ? ' (EINVAL)' : ''}.`));
          continue;
        }
        if (p.bufs) this.current = { p, index: 0, got: 0, handle };
        else {
          this.pending.delete(handle);
          p.resolve(null);
        }
      }
    } catch (e) {
      this.fail(e as Error);
      this.stream.destroy();
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const w = this.waiter;
    this.waiter = null;
    w?.();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

function option(code: number, data: Buffer): Buffer {
  const o = Buffer.alloc(16);
  IHAVEOPT.copy(o, 0);
  o.writeUInt32BE(code, 8);
  o.writeUInt32BE(data.length, 12);
  return Buffer.concat([o, data]);
}

function header(type: number, handle: bigint, offset: number, length: number): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32BE(REQUEST_MAGIC, 0);
  b.writeUInt16BE(0, 4);
  b.writeUInt16BE(type, 6);
  b.writeBigUInt64BE(handle, 8);
  b.writeBigUInt64BE(BigInt(offset), 16);
  b.writeUInt32BE(length, 24);
  return b;
}
