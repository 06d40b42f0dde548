import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Extent } from '../../engine';
import { localShell } from '../libvirt-ssh';
import { proxyDigests, proxyRead, type ProxyDevice } from './proxy-read';

// The proxy's program run here, with a file standing for the attached device and a sysfs-like
// folder giving its serial and size, as virtio_blk shows them.
const BS = 64 * 1024;
let dir: string;
let disk: Buffer;
const VOLUME = '6f1c2a9e-57b1-4c1e-9d7a-2f9e8c0b1a77';

function device(serial = VOLUME): ProxyDevice {
  return { shell: localShell, serial, roots: { sys: path.join(dir, 'sys'), dev: path.join(dir, 'dev'), waitSeconds: 1 } };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-proxy-'));
  // 2 MiB + a partial block: data, a zero run, data again, an odd tail
  disk = Buffer.alloc(2 * 1024 * 1024 + 4096);
  randomBytes(300 * 1024).copy(disk, 0);
  randomBytes(100 * 1024).copy(disk, 1024 * 1024);
  randomBytes(4096).copy(disk, 2 * 1024 * 1024);
  for (const [name, serial, bytes] of [['vda', 'other-disk', Buffer.alloc(512)], ['vdb', VOLUME.slice(0, 20), disk]] as const) {
    fs.mkdirSync(path.join(dir, 'sys', name), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sys', name, 'serial'), `${serial}\n`);
    fs.writeFileSync(path.join(dir, 'sys', name, 'size'), `${Math.ceil(bytes.length / 512)}\n`);
    fs.writeFileSync(path.join(dir, 'dev', name), bytes);
  }
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest();

async function drain(extents: AsyncIterable<Extent>): Promise<{ image: Buffer; holes: number }> {
  const image = Buffer.alloc(disk.length);
  let holes = 0;
  for await (const e of extents) {
    if (e.data) e.data.copy(image, e.offset);
    else holes += e.length;
  }
  return { image, holes };
}

describe('reading an attached volume on the proxy', () => {
  it('finds the device by the volume id virtio shows (its first 20 characters) and hashes every block there', async () => {
    const d = await proxyDigests(device(), BS);
    expect(d.size).toBe(disk.length);
    for (let i = 0; i < d.count; i++) expect(d.get(i)).toEqual(sha(disk.subarray(i * BS, (i + 1) * BS)));
  });

  it('sends the whole volume with zero runs as holes, and the digests of what it read', async () => {
    const r = await proxyRead(device(), BS, null);
    const { image, holes } = await drain(r.source.extents(null, { chunkSize: 4 << 20 }));
    expect(image.equals(disk)).toBe(true);
    // 2 MiB + 4 KiB: 320 + 128 KiB of data blocks (64 KiB each) and the 4 KiB tail
    expect(holes).toBe(disk.length - (320 + 128) * 1024 - 4096);
    expect((await r.digests()).digests.equals((await proxyDigests(device(), BS)).digests)).toBe(true);
    expect(r.transferred).toBeLessThan(600 * 1024);
  });

  it('sends only the ranges asked for', async () => {
    const r = await proxyRead(device(), BS, [{ offset: BS, length: BS }, { offset: 1024 * 1024, length: 2 * BS }]);
    const got: Extent[] = [];
    for await (const e of r.source.extents(null, { chunkSize: 4 << 20 })) got.push(e);
    expect(got.filter((e) => e.data).map((e) => [e.offset, e.length])).toEqual([[BS, BS], [1024 * 1024, 2 * BS]]);
    expect(Buffer.concat(got.flatMap((e) => (e.data ? [e.data] : []))).equals(Buffer.concat([disk.subarray(BS, 2 * BS), disk.subarray(1024 * 1024, 1024 * 1024 + 2 * BS)]))).toBe(true);
    const d = await r.digests();
    expect(d.get(1)).toEqual(sha(disk.subarray(BS, 2 * BS)));
    expect(d.get(17)).toEqual(sha(disk.subarray(17 * BS, 18 * BS)));
  });

  it('says so when no device carries the volume serial (the attachment never showed up)', async () => {
    await expect(proxyDigests(device('0000aaaa-bbbb-cccc-dddd-eeeeffff0000'), BS)).rejects.toThrow(/no device with the serial 0000aaaa-bbbb-cccc-d appeared/);
  });
});

describe('writing a disk of a restore point on the proxy', () => {
  it('writes data and zero runs into the device, and the read-back hash is what was sent', async () => {
    const { backupDisk, fileSource, initRepository, openRepository } = await import('../../engine');
    const { proxyWrite } = await import('./proxy-write');
    const repoDir = path.join(dir, 'repo');
    await initRepository(repoDir, { chunkSize: 1 << 20 });
    const repo = await openRepository(repoDir);
    try {
      const src = path.join(dir, 'source.raw');
      fs.writeFileSync(src, disk);
      const m = await backupDisk(repo, { group: 'vm-1', name: 'vdb', source: fileSource(src) });
      // the target volume holds old bytes everywhere: zero runs must be written, not skipped
      fs.writeFileSync(path.join(dir, 'dev', 'vdb'), Buffer.alloc(disk.length, 0x77));
      const r = await proxyWrite(device(), { repo, ref: { group: 'vm-1', time: m.time }, disk: 'vdb', verify: true });
      expect(fs.readFileSync(path.join(dir, 'dev', 'vdb')).equals(disk)).toBe(true);
      expect(r.sha256).toBe(createHash('sha256').update(disk).digest('hex'));
      expect(r.bytes).toBeLessThan(600 * 1024); // holes cross as 12-byte records
    } finally {
      await repo.close();
    }
  });
});
