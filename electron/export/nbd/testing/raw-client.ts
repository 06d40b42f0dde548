import net from 'node:net';
import * as P from '../protocol';
import { SocketReader } from '../socket-reader';

/**
 * A bare NBD client for tests: it sends whatever it is told, well-formed or not, and reads the
 * server's answers, so tests can play a hostile client.
 */
export class RawClient {
  readonly reader: SocketReader;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    this.reader = new SocketReader(socket);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new RawClient(socket);
    const g = await c.reader.read(18);
    if (g.readBigUInt64BE(0) !== P.NBDMAGIC || g.readBigUInt64BE(8) !== P.IHAVEOPT) throw new Error('not an NBD newstyle server');
    return c;
  }

  send(b: Buffer): void {
    this.socket.write(b);
  }

  sendFlags(flags = P.FLAG_FIXED_NEWSTYLE | P.FLAG_NO_ZEROES): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(flags, 0);
    this.send(b);
  }

  sendOption(opt: number, data: Buffer = Buffer.alloc(0)): void {
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(P.IHAVEOPT, 0);
    h.writeUInt32BE(opt, 8);
    h.writeUInt32BE(data.length, 12);
    this.send(Buffer.concat([h, data]));
  }

  /** one option reply: its type and data */
  async optionReply(): Promise<{ option: number; type: number; data: Buffer }> {
    const h = await this.reader.read(20);
    if (h.readBigUInt64BE(0) !== P.REPLY_MAGIC) throw new Error('bad option reply magic');
    return { option: h.readUInt32BE(8), type: h.readUInt32BE(12), data: await this.reader.read(h.readUInt32BE(16)) };
  }

  /** NBD_OPT_EXPORT_NAME: the export's size and transmission flags. */
  async exportName(name: string): Promise<{ size: bigint; flags: number }> {
    this.sendOption(P.OPT.EXPORT_NAME, Buffer.from(name));
    const b = await this.reader.read(10);
    return { size: b.readBigUInt64BE(0), flags: b.readUInt16BE(8) };
  }

  sendRequest(type: number, offset: bigint, length: number, opts: { handle?: number; flags?: number; magic?: number; payload?: Buffer } = {}): void {
    const b = Buffer.alloc(P.REQUEST_SIZE);
    b.writeUInt32BE(opts.magic ?? P.REQUEST_MAGIC, 0);
    b.writeUInt16BE(opts.flags ?? 0, 4);
    b.writeUInt16BE(type, 6);
    b.writeBigUInt64BE(BigInt(opts.handle ?? 1), 8);
    b.writeBigUInt64BE(offset, 16);
    b.writeUInt32BE(length, 24);
    this.send(opts.payload ? Buffer.concat([b, opts.payload]) : b);
  }

  /** a simple reply's error and handle (the data of a READ is read by the caller) */
  async reply(): Promise<{ error: number; handle: number }> {
    const b = await this.reader.read(16);
    if (b.readUInt32BE(0) !== P.SIMPLE_REPLY_MAGIC) throw new Error('bad reply magic');
    return { error: b.readUInt32BE(4), handle: Number(b.readBigUInt64BE(8)) };
  }

  close(): void {
    this.socket.destroy();
  }
}
