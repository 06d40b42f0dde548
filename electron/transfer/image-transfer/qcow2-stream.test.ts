// The qcow2 stream reader against images made by the real qemu-img (Debian's qemu-utils), as Nova
// makes its snapshots: the guest bytes it yields equal the raw disk they were converted from.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qcow2StreamSource } from './qcow2-stream';

const MiB = 1024 * 1024;
let dir: string;
let raw: Buffer;

/** a file's bytes in pieces of `size`, as an HTTP body arrives */
async function* pieces(file: string, size: number): AsyncGenerator<Uint8Array> {
  const b = fs.readFileSync(file);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function guestBytes(file: string, piece = 7919, limit?: number): Promise<Buffer> {
  const all = pieces(file, piece);
  const cut = limit === undefined ? all : (async function* () {
    let n = 0;
    for await (const p of all) {
      if (n >= limit) return;
      yield p.subarray(0, limit - n);
      n += p.length;
    }
  })();
  const src = await qcow2StreamSource(cut);
  const out = Buffer.alloc(src.size);
  let last = -1;
  for await (const e of src.extents(null, { chunkSize: 4 * MiB })) {
    expect(e.offset).toBeGreaterThan(last); // ascending, as the engine needs
    last = e.offset;
    e.data!.copy(out, e.offset);
  }
  return out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcow2-stream-'));
  // 40 MiB disk: data scattered (some across cluster and L2 boundaries), holes, a run of zeros
  raw = Buffer.alloc(40 * MiB);
  for (let i = 0; i < 60; i++) randomBytes(1 + ((i * 7331) % 90_000)).copy(raw, (i * 655_373) % (raw.length - 100_000));
  raw.fill(0x41, 33 * MiB, 33 * MiB + 3 * 65536 + 5);
  fs.writeFileSync(path.join(dir, 'disk.raw'), raw);
  const convert = (out: string, ...opts: string[]) => execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', ...opts, path.join(dir, 'disk.raw'), path.join(dir, out)]);
  convert('v3.qcow2');
  convert('v2.qcow2', '-o', 'compat=0.10');
  convert('small-clusters.qcow2', '-o', 'cluster_size=4096'); // many L2 tables
  convert('compressed.qcow2', '-c');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('qcow2StreamSource', () => {
  it.each(['v3.qcow2', 'v2.qcow2', 'small-clusters.qcow2', 'compressed.qcow2'])('yields the guest disk of %s, byte for byte', async (name) => {
    const got = await guestBytes(path.join(dir, name));
    expect(got.length).toBe(raw.length);
    expect(got.equals(raw)).toBe(true);
  });

  it('reads the same from one large piece as from small ones', async () => {
    expect((await guestBytes(path.join(dir, 'v3.qcow2'), 8 * MiB)).equals(raw)).toBe(true);
  });

  it('fails on a download cut short, never yielding a partial disk as complete', async () => {
    const file = path.join(dir, 'v3.qcow2');
    await expect(guestBytes(file, 65536, Math.floor(fs.statSync(file).size / 2))).rejects.toThrow(/cut short/);
  });

  it('refuses what is not qcow2, and a qcow2 with a backing file', async () => {
    await expect(guestBytes(path.join(dir, 'disk.raw'))).rejects.toThrow(/not qcow2/);
    execFileSync('qemu-img', ['create', '-f', 'qcow2', '-F', 'qcow2', '-b', path.join(dir, 'v3.qcow2'), path.join(dir, 'overlay.qcow2')]);
    await expect(guestBytes(path.join(dir, 'overlay.qcow2'))).rejects.toThrow(/backing file/);
  });
});
