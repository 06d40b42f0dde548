// The NBD server against real clients: qemu-img and qemu-io (Debian's qemu-utils) over a restore
// point of a test destination, compared with a full restore of the same restore point.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSink, fileSource, openDiskReader, restoreDisk, type DiskReader } from '../../engine';
import { sha256File, writeImage, type BlockKind } from '../../engine/testing/fixtures';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';
import { CowOverlay } from './overlay';
import { readOnlyDevice } from './device';
import { NbdServer } from './server';

const run = promisify(execFile);
const CHUNK = 256 * 1024;
const LAYOUT: BlockKind[] = ['text', 'zero', 'random', { dupOf: 0 }, 'text', 'zero', 'zero', 'random', 'text', 'text'];
// a ragged last chunk (qemu sizes disks in 512-byte sectors, as every real disk is)
const SIZE = LAYOUT.length * CHUNK + 10_240;

let t: TestRepo | undefined;
let server: NbdServer | undefined;
let reader: DiskReader | undefined;
let overlay: CowOverlay | undefined;
afterEach(async () => {
  await server?.close();
  await overlay?.close();
  await reader?.close();
  await t?.cleanup();
  server = reader = overlay = t = undefined;
});

/** A destination holding one restore point of a disk, its full restore, and the disk served over NBD. */
async function served(opts: { writable?: boolean } = {}) {
  t = await makeRepo({ encrypted: true, chunkSize: CHUNK });
  const img = path.join(t.work, 'disk.img');
  writeImage(img, CHUNK, LAYOUT, 7, 10_240);
  const m = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
  const restored = path.join(t.work, 'restored.img');
  await restoreDisk(t.repo, { group: 'vol-1', backup: m.id, disk: 'vda', sink: fileSink(restored) });
  reader = await openDiskReader(t.repo, { group: 'vol-1', backup: m.time, disk: 'vda' });
  overlay = opts.writable ? await CowOverlay.create(reader, t.work) : undefined;
  server = await NbdServer.listen({ port: 0 });
  server.add('vol-1-vda', overlay ?? readOnlyDevice(reader), 'vol-1 vda');
  return { url: `nbd://127.0.0.1:${server.port}/vol-1-vda`, restored, image: img, id: m.id, time: m.time };
}

const qemuIo = async (url: string, ...cmds: string[]) => (await run('qemu-io', ['-f', 'raw', ...cmds.flatMap((c) => ['-c', c]), url])).stdout;

describe('NBD export of a restore point', () => {
  it('is byte for byte the full restore of the same restore point (qemu-img compare), with its size (qemu-img info)', async () => {
    const s = await served();
    const compare = await run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', s.restored, s.url]);
    expect(compare.stdout).toContain('Images are identical');
    const info = JSON.parse((await run('qemu-img', ['info', '--output=json', s.url])).stdout) as { 'virtual-size': number };
    expect(info['virtual-size']).toBe(SIZE);
    // a read-only export refuses writes (qemu opens it read-only: the server said so)
    await expect(qemuIo(s.url, 'write -P 0x11 0 4096')).rejects.toThrow(/read-only|Permission denied|Operation not permitted/i);
  });

  it('with --writable, takes writes into a temporary overlay: read back, also on the next connection; the restore point is unchanged', async () => {
    const s = await served({ writable: true });
    const folder = overlay!.folder;
    // unaligned, across a chunk boundary and into a hole, so blocks are merged with the source's bytes
    const at = CHUNK - 1000;
    const out = await qemuIo(s.url, `write -P 0xab ${at} 5000`, `read -P 0xab ${at} 5000`);
    expect(out).toContain('wrote 5000/5000');
    expect(out).toContain('read 5000/5000');
    expect(out).not.toMatch(/fail/i);
    const again = await qemuIo(s.url, `read -P 0xab ${at} 5000`);
    expect(again).toContain('read 5000/5000');
    expect(again).not.toMatch(/fail/i);
    // around the write the disk is the restore point's: only those 5000 bytes differ from the restore
    const copy = path.join(t!.work, 'exported.img');
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'raw', s.url, copy]);
    const a = fs.readFileSync(s.restored);
    const b = fs.readFileSync(copy);
    expect(b.length).toBe(SIZE);
    expect(Buffer.compare(a.subarray(0, at), b.subarray(0, at))).toBe(0);
    expect(b.subarray(at, at + 5000).every((x) => x === 0xab)).toBe(true);
    expect(Buffer.compare(a.subarray(at + 5000), b.subarray(at + 5000))).toBe(0);

    // the restore point itself is what it was: restored again, it equals the image backed up
    const second = path.join(t!.work, 'restored-again.img');
    await restoreDisk(t!.repo, { group: 'vol-1', backup: s.time, disk: 'vda', sink: fileSink(second) });
    expect(sha256File(second)).toBe(sha256File(s.image));
    await overlay!.close();
    expect(fs.existsSync(folder)).toBe(false);
    overlay = undefined;
  });
});
