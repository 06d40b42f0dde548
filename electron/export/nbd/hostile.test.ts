// A client that breaks the protocol gets an error or is disconnected, and the server goes on
// serving everyone else. Played with a bare client that sends whatever it is told.
import { afterEach, describe, expect, it } from 'vitest';
import * as P from './protocol';
import { readOnlyDevice, type BlockSource } from './device';
import { NbdServer } from './server';
import { RawClient } from './testing/raw-client';

const SIZE = 1024 * 1024;
const disk = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) disk[i] = (i * 7) & 0xff;
const reads: Array<[number, number]> = [];
const source: BlockSource = {
  size: SIZE,
  read: async (offset, length) => {
    reads.push([offset, length]);
    return Buffer.from(disk.subarray(offset, Math.min(SIZE, offset + length)));
  },
};

let server: NbdServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
  reads.length = 0;
});

async function client(): Promise<RawClient> {
  server ??= await NbdServer.listen({ port: 0 });
  if (!server.names().length) server.add('disk', readOnlyDevice(source));
  const c = await RawClient.connect(server.port);
  clients.push(c);
  return c;
}

/** A client in the transmission phase of "disk". */
async function transmitting(): Promise<RawClient> {
  const c = await client();
  c.sendFlags();
  const { size, flags } = await c.exportName('disk');
  expect(size).toBe(BigInt(SIZE));
  expect(flags & P.TFLAG.READ_ONLY).toBeTruthy();
  return c;
}

/** The server still serves a well-behaved client: a read returns the disk's bytes. */
async function stillServing(): Promise<void> {
  const c = await transmitting();
  c.sendRequest(P.CMD.READ, 4096n, 512, { handle: 9 });
  expect(await c.reply()).toEqual({ error: 0, handle: 9 });
  expect(Buffer.compare(await c.reader.read(512), disk.subarray(4096, 4608))).toBe(0);
}

describe('NBD server and a hostile client', () => {
  it('cuts off a client whose option has a garbage magic', async () => {
    const c = await client();
    c.sendFlags();
    c.send(Buffer.from('GARBAGE!GARBAGE!'));
    await c.closed;
    await stillServing();
  });

  it('cuts off a client that sends unknown client flags', async () => {
    const c = await client();
    c.sendFlags(0x80);
    await c.closed;
    await stillServing();
  });

  it('answers unknown options with NBD_REP_ERR_UNSUP, lists exports, refuses an unknown export by name, and goes on negotiating', async () => {
    const c = await client();
    c.sendFlags();
    c.sendOption(8); // NBD_OPT_STRUCTURED_REPLY: not spoken here
    expect((await c.optionReply()).type).toBe(P.REP.ERR_UNSUP);
    c.sendOption(P.OPT.STARTTLS); // no TLS configured
    expect((await c.optionReply()).type).toBe(P.REP.ERR_UNSUP);
    c.sendOption(P.OPT.LIST);
    const entry = await c.optionReply();
    expect(entry.type).toBe(P.REP.SERVER);
    expect(entry.data.subarray(4, 4 + entry.data.readUInt32BE(0)).toString()).toBe('disk');
    expect((await c.optionReply()).type).toBe(P.REP.ACK);
    const info = (name: string) => {
      const n = Buffer.from(name);
      const b = Buffer.alloc(4 + n.length + 4);
      b.writeUInt32BE(n.length, 0);
      n.copy(b, 4);
      b.writeUInt16BE(1, 4 + n.length);
      b.writeUInt16BE(P.INFO.BLOCK_SIZE, 6 + n.length);
      return b;
    };
    c.sendOption(P.OPT.INFO, info('nope'));
    expect((await c.optionReply()).type).toBe(P.REP.ERR_UNKNOWN);
    c.sendOption(P.OPT.INFO, Buffer.from([0xff, 0xff, 0xff, 0xff, 1])); // a name length past the data
    expect((await c.optionReply()).type).toBe(P.REP.ERR_INVALID);
    c.sendOption(P.OPT.GO, info('disk'));
    const exportInfo = await c.optionReply();
    expect(exportInfo.type).toBe(P.REP.INFO);
    expect(exportInfo.data.readUInt16BE(0)).toBe(P.INFO.EXPORT);
    expect(exportInfo.data.readBigUInt64BE(2)).toBe(BigInt(SIZE));
    const blockSize = await c.optionReply();
    expect(blockSize.data.readUInt16BE(0)).toBe(P.INFO.BLOCK_SIZE);
    expect(blockSize.data.readUInt32BE(10)).toBe(P.MAX_PAYLOAD);
    expect((await c.optionReply()).type).toBe(P.REP.ACK);
    // transmission: a read works
    c.sendRequest(P.CMD.READ, 0n, 16, { handle: 3 });
    expect(await c.reply()).toEqual({ error: 0, handle: 3 });
    expect(Buffer.compare(await c.reader.read(16), disk.subarray(0, 16))).toBe(0);
  });

  it('cuts off a client that sends option data larger than any option', async () => {
    const c = await client();
    c.sendFlags();
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(P.IHAVEOPT, 0);
    h.writeUInt32BE(P.OPT.GO, 8);
    h.writeUInt32BE(0xffffffff, 12);
    c.send(h);
    await c.closed;
    await stillServing();
  });

  it('answers a read past the end with EINVAL without reading, and keeps serving the client', async () => {
    const c = await transmitting();
    c.sendRequest(P.CMD.READ, BigInt(SIZE - 512), 4096, { handle: 5 });
    expect(await c.reply()).toEqual({ error: P.ERR.EINVAL, handle: 5 });
    c.sendRequest(P.CMD.READ, 2n ** 63n, 512, { handle: 6 });
    expect(await c.reply()).toEqual({ error: P.ERR.EINVAL, handle: 6 });
    expect(reads).toEqual([]);
    c.sendRequest(P.CMD.READ, BigInt(SIZE - 512), 512, { handle: 7 });
    expect(await c.reply()).toEqual({ error: 0, handle: 7 });
    expect(Buffer.compare(await c.reader.read(512), disk.subarray(SIZE - 512))).toBe(0);
  });

  it('refuses writes and trims on a read-only export with EPERM, and unknown commands and flags with EINVAL', async () => {
    const c = await transmitting();
    c.sendRequest(P.CMD.WRITE, 0n, 4, { handle: 1, payload: Buffer.from('evil') });
    expect(await c.reply()).toEqual({ error: P.ERR.EPERM, handle: 1 });
    c.sendRequest(P.CMD.TRIM, 0n, 4096, { handle: 2 });
    expect(await c.reply()).toEqual({ error: P.ERR.EPERM, handle: 2 });
    c.sendRequest(42, 0n, 0, { handle: 3 });
    expect(await c.reply()).toEqual({ error: P.ERR.EINVAL, handle: 3 });
    c.sendRequest(P.CMD.READ, 0n, 16, { handle: 4, flags: 0x8000 });
    expect(await c.reply()).toEqual({ error: P.ERR.EINVAL, handle: 4 });
    await stillServing();
  });

  it('answers a huge length with EINVAL and cuts the client off, reading nothing', async () => {
    const c = await transmitting();
    c.sendRequest(P.CMD.READ, 0n, 0xffffffff, { handle: 8 });
    expect(await c.reply()).toEqual({ error: P.ERR.EINVAL, handle: 8 });
    await c.closed;
    // a write announcing a payload beyond the largest block: its bytes are never read
    const w = await transmitting();
    w.sendRequest(P.CMD.WRITE, 0n, P.MAX_PAYLOAD + 1, { handle: 9 });
    expect(await w.reply()).toEqual({ error: P.ERR.EINVAL, handle: 9 });
    await w.closed;
    expect(reads).toEqual([]);
    await stillServing();
  });

  it('cuts off a client whose request has a garbage magic, and one that connects to a missing export', async () => {
    const c = await transmitting();
    c.sendRequest(P.CMD.READ, 0n, 512, { magic: 0xdeadbeef });
    await c.closed;
    const d = await client();
    d.sendFlags();
    d.sendOption(P.OPT.EXPORT_NAME, Buffer.from('../../etc/passwd'));
    await d.closed;
    await stillServing();
  });

  it('disconnects the clients of an export that is removed, and a closed server accepts no one', async () => {
    const c = await transmitting();
    server!.remove('disk');
    await c.closed;
    const port = server!.port;
    await server!.close();
    server = undefined;
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('survives 200 clients sending random bytes, in negotiation and in transmission, and serves the next one', async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const garbage = () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
    for (let i = 0; i < 200; i++) {
      const c = i % 2 ? await transmitting() : await client();
      if (i % 4 === 2) c.sendFlags();
      c.send(garbage());
      // a third hang up at once; the others stop sending, and the server closes its side too
      if (i % 3 === 0) c.close();
      else c.socket.end();
      await c.closed;
    }
    await stillServing();
  });
});
