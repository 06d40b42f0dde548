import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NbdClient } from './nbd';
import { nbdExtentSource } from './remote-nbd';

// Against a real qemu-nbd (qemu-utils), the server the strategy starts on each hypervisor.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-nbd-'));
const servers: string[] = [];
const MiB = 1024 * 1024;

function serve(image: string, format: string, readOnly: boolean): string {
  const sock = path.join(dir, `s${servers.length}.sock`);
  const pid = path.join(dir, `s${servers.length}.pid`);
  execFileSync('qemu-nbd', ['--fork', `--pid-file=${pid}`, `--socket=${sock}`, `--format=${format}`, '--persistent', ...(readOnly ? ['--read-only'] : []), image]);
  servers.push(pid);
  return sock;
}

async function connect(sock: string): Promise<NbdClient> {
  const s = net.connect(sock);
  await new Promise((r, j) => s.once('connect', r).once('error', j));
  const c = new NbdClient(s);
  await c.handshake();
  return c;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(() => {
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path.join(dir, 'base.raw'), '16M']);
  execFileSync('qemu-io', ['-f', 'raw', '-c', 'write -P 0x42 1M 2M', path.join(dir, 'base.raw')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', path.join(dir, 'base.raw'), path.join(dir, 'top.qcow2')]);
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xa1 2M 64k', '-c', 'write -P 0xa2 9M 1M', path.join(dir, 'top.qcow2')]);
  execFileSync('qemu-img', ['convert', '-O', 'raw', path.join(dir, 'top.qcow2'), path.join(dir, 'expected.raw')]);
});
afterAll(() => {
  for (const pid of servers) {
    try {
      process.kill(Number(fs.readFileSync(pid, 'utf8').trim()));
    } catch {
      /* already gone */
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('NbdClient against qemu-nbd', () => {
  it('reads the guest-visible content of a qcow2 chain, pipelined, in any request size', async () => {
    const c = await connect(serve(path.join(dir, 'top.qcow2'), 'qcow2', true));
    expect(c.size).toBe(16 * MiB);
    expect(c.readOnly).toBe(true);
    const sizes = [4 * MiB, 3 * MiB + 4096, 512 * 1024, 1];
    const out = Buffer.alloc(c.size);
    let off = 0;
    let k = 0;
    const reads: Promise<void>[] = [];
    while (off < c.size) {
      const n = Math.min(sizes[k++ % sizes.length]!, c.size - off);
      const at = off;
      reads.push(c.read(at, n).then((b) => void b.copy(out, at)));
      off += n;
    }
    await Promise.all(reads);
    expect(sha(out)).toBe(sha(fs.readFileSync(path.join(dir, 'expected.raw'))));
    c.close();
  });

  it('writes data and zeroes into a qcow2 over a backing file', async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', path.join(dir, 'base.raw'), path.join(dir, 'target.qcow2')]);
    const c = await connect(serve(path.join(dir, 'target.qcow2'), 'qcow2', false));
    expect(c.readOnly).toBe(false);
    await c.write(0, Buffer.alloc(MiB, 0x33));
    await c.writeZeroes(1 * MiB, 2 * MiB); // hides the backing file's 0x42
    await c.flush();
    c.close();
    const raw = path.join(dir, 'target.raw');
    execFileSync('qemu-img', ['convert', '-U', '-O', 'raw', path.join(dir, 'target.qcow2'), raw]);
    const got = fs.readFileSync(raw);
    expect(got.subarray(0, MiB).every((b) => b === 0x33)).toBe(true);
    expect(got.subarray(MiB, 3 * MiB).every((b) => b === 0)).toBe(true);
  });

  it('rejects pending requests when the connection drops', async () => {
    const s = net.connect(serve(path.join(dir, 'top.qcow2'), 'qcow2', true));
    await new Promise((r) => s.once('connect', r));
    const c = new NbdClient(s);
    await c.handshake();
    const p = c.read(0, 8 * MiB);
    s.destroy();
    await expect(p).rejects.toThrow(/closed/);
  });

  it('an engine source that stops early (cancel) settles its in-flight reads at once', async () => {
    const c = await connect(serve(path.join(dir, 'top.qcow2'), 'qcow2', true));
    const src = nbdExtentSource(c, c.size, { data: [{ offset: 0, length: c.size }], readSize: 64 * 1024, requestSize: 64 * 1024, depth: 8 });
    let got = 0;
    for await (const e of src.extents(null, { chunkSize: 64 * 1024 })) {
      got += e.length;
      break;
    }
    expect(got).toBe(64 * 1024);
    await expect(c.read(0, 512)).rejects.toThrow(/aborted/);
  });

  it('fills several engine buffers from one large request (scatter read)', async () => {
    const c = await connect(serve(path.join(dir, 'top.qcow2'), 'qcow2', true));
    const src = nbdExtentSource(c, c.size, { data: [{ offset: MiB, length: 10 * MiB + 5 }], requestSize: 8 * MiB });
    const out: { offset: number; length: number }[] = [];
    const expected = fs.readFileSync(path.join(dir, 'expected.raw'));
    for await (const e of src.extents(null, { chunkSize: 4 * MiB })) {
      out.push({ offset: e.offset, length: e.length });
      expect(sha(e.data!)).toBe(sha(expected.subarray(e.offset, e.offset + e.length)));
    }
    expect(out).toEqual([
      { offset: MiB, length: 3 * MiB },
      { offset: 4 * MiB, length: 4 * MiB },
      { offset: 8 * MiB, length: 3 * MiB + 5 },
    ]);
    c.close();
  });
});
