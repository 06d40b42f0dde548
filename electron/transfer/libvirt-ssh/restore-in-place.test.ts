import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDisk, fileSource, initRepository, openRepository, type Repository } from '../../engine';
import { PartialWriteError, restoreDiskInPlace } from './restore-in-place';
import { localShell } from './testing';
import type { HostShell } from './ssh';

// A whole differential restore on this machine: the engine's restore point, and a qcow2 over a
// raw backing file served by a real qemu-nbd (qemu-utils) with the hypervisor's own scripts. The
// only stand-in is the transport: local processes and sockets instead of SSH.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-in-place-'));
const MiB = 1024 * 1024;
const size = 8 * MiB;

const local = localShell;

let repo: Repository;
let point = '';
const wanted = randomBytes(size);
wanted.fill(0, 5 * MiB, 6 * MiB); // a hole in the restore point

/** What the guest sees in a qcow2 (its chain read through qemu-img). */
function guestView(image: string): Buffer {
  const out = path.join(dir, `view-${Date.now()}.raw`);
  execFileSync('qemu-img', ['convert', '-O', 'raw', image, out]);
  const b = fs.readFileSync(out);
  fs.rmSync(out);
  return b;
}

/** A Nova-like disk: a qcow2 over a raw base holding the restore point, with the guest's writes in the qcow2. */
function liveDisk(name: string, writes: string[], base = wanted): string {
  const baseFile = path.join(dir, `${name}.base`);
  const top = path.join(dir, `${name}.qcow2`);
  // sparse where the restore point has its hole, as an image file is
  const fd = fs.openSync(baseFile, 'w');
  fs.writeSync(fd, base, 0, 5 * MiB, 0);
  fs.writeSync(fd, base, 6 * MiB, base.length - 6 * MiB, 6 * MiB);
  fs.ftruncateSync(fd, base.length);
  fs.closeSync(fd);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', baseFile, top]);
  if (writes.length) execFileSync('qemu-io', ['-f', 'qcow2', ...writes.flatMap((w) => ['-c', w]), top]);
  return top;
}

beforeAll(async () => {
  const file = path.join(dir, 'point.raw');
  fs.writeFileSync(file, wanted);
  await initRepository(path.join(dir, 'repo'), {});
  repo = await openRepository(path.join(dir, 'repo'), {});
  point = (await backupDisk(repo, { group: 'g', name: 'vda', source: fileSource(file) })).time;
});
afterAll(async () => {
  await repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const restore = (image: string) => restoreDiskInPlace(local, repo, { group: 'g', backup: point, disk: 'vda', target: { source: { kind: 'file', path: image }, format: 'qcow2' } });

describe('a differential restore into an existing disk', () => {
  it('writes only the blocks that differ (data and zeros) and ends byte-identical to the restore point', async () => {
    // 1 MiB of data off any block boundary, and data where the restore point has a hole
    const image = liveDisk('changed', [`write -P 0x5a ${MiB + 4097} ${MiB}`, `write -P 0x33 ${5 * MiB + 8192} 300000`]);
    const before = guestView(image);
    let changed = 0;
    for (let i = 0; i < size; i++) if (before[i] !== wanted[i]) changed++;
    const r = await restore(image);
    expect(guestView(image).equals(wanted)).toBe(true);
    expect(r.verified).toBe(true);
    expect(r.bytesWritten).toBeGreaterThanOrEqual(changed);
    expect(r.bytesWritten).toBeLessThanOrEqual(1.1 * changed);
    expect(r.hashedRemote).toBeLessThan(size); // the hole the guest never wrote is not read there

    // again: nothing differs any more
    const again = await restore(image);
    expect(again).toMatchObject({ differingBytes: 0, bytesWritten: 0 });
  });

  it('refuses a disk whose size is not the restore point\'s before writing anything', async () => {
    const bigger = Buffer.concat([wanted, Buffer.alloc(MiB)]);
    const image = liveDisk('resized', [`write -P 0x11 0 ${MiB}`], bigger);
    const before = guestView(image);
    await expect(restore(image)).rejects.toThrow(`Disk vda holds ${size + MiB} bytes on the hypervisor and ${size} in the restore point: it was resized since. Nothing was written`);
    expect(guestView(image).equals(before)).toBe(true);
  });

  it('says which disk was partially written when the connection drops while writing', async () => {
    const image = liveDisk('dropped', [`write -P 0x5a ${MiB} ${2 * MiB}`]);
    // the link to the hypervisor's writer goes down once 256 KiB of requests went out
    const flaky: HostShell = {
      ...localShell,
      async openUnixSocket(sock: string) {
        const s = await localShell.openUnixSocket(sock);
        let sent = 0;
        const write = s.write.bind(s) as (c: Buffer) => boolean;
        s.write = ((c: Buffer) => {
          sent += c.length;
          if (sent > 256 * 1024) {
            s.destroy();
            return false;
          }
          return write(c);
        }) as typeof s.write;
        return s;
      },
    };
    const e = await restoreDiskInPlace(flaky, repo, { group: 'g', backup: point, disk: 'vda', target: { source: { kind: 'file', path: image }, format: 'qcow2' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PartialWriteError);
    expect((e as PartialWriteError).disk).toBe('vda');
    // run again over a working link, it converges
    await restore(image);
    expect(guestView(image).equals(wanted)).toBe(true);
  });
});
