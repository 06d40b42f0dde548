import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDirect, newTransferKey, SERVE_DIRECT } from './direct-transfer';
import { NbdClient } from './nbd';
import { openNbdReader } from './nbd-reader';
import { qemuNbdArgs } from './remote-nbd';

// Against a real qemu-nbd with TLS-PSK, started by the very script a hypervisor runs.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-direct-'));
const servers: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** SERVE_DIRECT on this machine: the key on stdin, "ready PORT" back; it lives until stdin ends. */
async function serve(image: string, key: string): Promise<number> {
  const port = await freePort();
  const sock = path.join(dir, `s${servers.length}`);
  const args = [sock, '127.0.0.1', String(port), String(port), ...qemuNbdArgs({ source: { kind: 'file', path: image }, format: 'raw', readOnly: true })];
  const p = spawn('sh', ['-c', SERVE_DIRECT, 'backstack', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  servers.push(p);
  p.stdin.write(`${key}\n`);
  let out = '';
  for await (const c of p.stdout) {
    out += String(c);
    if (out.includes('\n')) break;
  }
  expect(out).toBe(`ready ${port}\n`);
  return port;
}

afterAll(async () => {
  await Promise.all(servers.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : (p.once('exit', r), p.stdin?.end())))));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('direct transfer (qemu-nbd over TLS with a one-time key)', () => {
  const image = path.join(dir, 'disk.raw');
  fs.writeFileSync(image, Buffer.concat([Buffer.alloc(1 << 20, 0x5a), Buffer.alloc(1 << 20, 0xc3)]));

  it('reads the disk over TLS', async () => {
    const key = newTransferKey();
    const client = await connectDirect('127.0.0.1', await serve(image, key), key);
    expect(client.size).toBe(2 << 20);
    const [a, b] = await client.readv((1 << 20) - 4, [Buffer.alloc(4), Buffer.alloc(4)]);
    expect([...a!, ...b!]).toEqual([0x5a, 0x5a, 0x5a, 0x5a, 0xc3, 0xc3, 0xc3, 0xc3]);
    client.close();
  });

  it('fails with a clear error for a wrong key, and nothing is read', async () => {
    const port = await serve(image, newTransferKey());
    await expect(connectDirect('127.0.0.1', port, newTransferKey())).rejects.toThrow(/TLS with the hypervisor's qemu-nbd failed/);
  });

  it('refuses to talk in clear text to a server that demands TLS (and a clear-text client gets nothing)', async () => {
    const port = await serve(image, newTransferKey());
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    const c = new NbdClient(s);
    await expect(c.handshake()).rejects.toThrow();
  });

  it('leaves neither the key nor the server behind once the channel closes', async () => {
    const key = newTransferKey();
    const port = await serve(image, key);
    const folder = `${path.join(dir, `s${servers.length - 1}`)}.psk`;
    expect(fs.readFileSync(path.join(folder, 'keys.psk'), 'utf8')).toBe(`backstack:${key}\n`);
    const p = servers[servers.length - 1]!;
    p.stdin!.end();
    expect(await new Promise((r) => p.once('exit', r))).toBe(0);
    expect(fs.existsSync(folder)).toBe(false);
    await expect(connectDirect('127.0.0.1', port, key)).rejects.toThrow(/Cannot reach/);
  });

  it('names the port when nothing listens there', async () => {
    const port = await freePort();
    await expect(connectDirect('127.0.0.1', port, newTransferKey())).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.*direct-transfer port range`));
  });
});

describe('the disk reader thread (nbd-reader.ts), over the direct transfer', () => {
  const image = path.join(dir, 'disk2.raw');
  const bytes = Buffer.concat([Buffer.alloc(3 << 20, 0x11), Buffer.alloc(1 << 20, 0x22)]);
  fs.writeFileSync(image, bytes);

  it('fills shared buffers from its own connection, reads in flight together', async () => {
    const key = newTransferKey();
    const reader = await openNbdReader({ kind: 'direct', address: '127.0.0.1', port: await serve(image, key), key });
    try {
      expect(reader.size).toBe(4 << 20);
      const bufs = [0, 1, 2, 3].map(() => Buffer.from(new SharedArrayBuffer(1 << 20)));
      await Promise.all([reader.readv(0, bufs.slice(0, 2)), reader.readv(2 << 20, bufs.slice(2))]);
      expect(Buffer.concat(bufs).equals(bytes)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('reports a refused key as the connection does, and a dropped reader rejects what is pending', async () => {
    const port = await serve(image, newTransferKey());
    await expect(openNbdReader({ kind: 'direct', address: '127.0.0.1', port, key: newTransferKey() })).rejects.toThrow(/TLS with the hypervisor's qemu-nbd failed/);
    const key = newTransferKey();
    const reader = await openNbdReader({ kind: 'direct', address: '127.0.0.1', port: await serve(image, key), key });
    const pending = reader.readv(0, [Buffer.from(new SharedArrayBuffer(4 << 20))]);
    reader.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    await expect(reader.readv(0, [Buffer.from(new SharedArrayBuffer(16))])).rejects.toThrow(/aborted/);
    await reader.close();
  });
});
