import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDirect, newTransferKey } from './direct-transfer';
import { NbdClient } from './nbd';
import { openNbdReader } from './nbd-reader';

// Against a real qemu-nbd with TLS-PSK, as SERVE_DIRECT starts it on a hypervisor.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-direct-'));
const pids: string[] = [];

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function serve(image: string, key: string): Promise<number> {
  const psk = path.join(dir, `psk${pids.length}`);
  fs.mkdirSync(psk, { mode: 0o700 });
  fs.writeFileSync(path.join(psk, 'keys.psk'), `backstack:${key}\n`, { mode: 0o600 });
  const port = await freePort();
  const pid = path.join(dir, `s${pids.length}.pid`);
  execFileSync('qemu-nbd', ['--fork', `--pid-file=${pid}`, '--persistent', '--object', `tls-creds-psk,id=bsk,endpoint=server,dir=${psk}`, '--tls-creds', 'bsk', '--bind=127.0.0.1', `--port=${port}`, '--format=raw', '--read-only', image]);
  pids.push(pid);
  return port;
}

afterAll(() => {
  for (const p of pids) {
    try {
      process.kill(Number(fs.readFileSync(p, 'utf8')));
    } catch {
      // already gone
    }
  }
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
