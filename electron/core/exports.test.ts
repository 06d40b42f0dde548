// exports.* through the contract: a disk of a restore point of an encrypted destination served
// over NBD, read by qemu-img, stopped by exports.stop and by the core's close.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource } from '../engine';
import { testCertificates } from '../export/nbd/testing/certificates';
import type { Core } from './create-core';
import { ok, openTestCore, type TestCore } from './testing';

const run = promisify(execFile);
const SIZE = 3 * 1024 * 1024;
let t: TestCore | undefined;
let dir: string;
let core: Core;
beforeEach(() => ({ core, dir } = t = openTestCore('backstack-exports-')));
afterEach(() => t?.close());

/** An encrypted destination with one restore point of demo-web-1's vda, indexed in the catalog. */
async function restorePoint(): Promise<{ backupId: string; image: string }> {
  const { destination } = ok(
    await core.api.invoke('destinations.create', { name: 'local', path: path.join(dir, 'repo'), passphrase: 'correct horse battery' }),
  );
  const image = path.join(dir, 'disk.img');
  const bytes = Buffer.alloc(SIZE, 'backstack ');
  bytes.fill(0, 1024 * 1024, 2 * 1024 * 1024); // a hole
  fs.writeFileSync(image, bytes);
  const repo = await core.services.destinations.open(destination.id);
  try {
    const m = await backupDisk(repo, {
      group: 's-web',
      name: 'vda',
      source: fileSource(image),
      sourceInfo: { kind: 'instance', resourceId: 's-web', resourceName: 'demo-web-1' },
    });
    await core.services.destinations.reindex(destination.id);
    return { backupId: m.id, image };
  } finally {
    await repo.close();
  }
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

describe('exports', () => {
  it('serves a disk of a restore point as an NBD export that qemu-img reads as the backed-up image, until it is stopped', async () => {
    const { backupId, image } = await restorePoint();
    const e = ok(await core.api.invoke('exports.start', { backupId, disk: 'vda', listen: '127.0.0.1:0' }));
    expect(e).toMatchObject({ resourceName: 'demo-web-1', disk: 'vda', size: SIZE, writable: false, host: '127.0.0.1' });
    expect(e.url).toBe(`nbd://127.0.0.1:${e.port}/${e.name}`);
    expect(e.name).toMatch(/^demo-web-1-.*-vda$/);
    expect(e.commands.qemuNbd).toBe(`sudo qemu-nbd --connect=/dev/nbd0 --format=raw --read-only ${e.url}`);
    expect(e.commands.nbdClient).toBe(`sudo nbd-client 127.0.0.1 ${e.port} /dev/nbd0 -N ${e.name}`);

    const compare = await run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', image, e.url]);
    expect(compare.stdout).toContain('Images are identical');
    expect(ok(await core.api.invoke('exports.list', {})).items.map((x) => x.id)).toEqual([e.id]);

    expect(ok(await core.api.invoke('exports.stop', { id: e.id }))).toEqual({ stopped: true });
    expect(ok(await core.api.invoke('exports.list', {})).items).toEqual([]);
    expect(await refused(e.port)).toBe(true);
    const again = await core.api.invoke('exports.stop', { id: e.id });
    expect(!again.ok && again.error.code).toBe('resource.notFound');
  });

  it('serves two exports on one address under two names, writable ones through an overlay, and stops them all when the core closes', async () => {
    const { backupId, image } = await restorePoint();
    const ro = ok(await core.api.invoke('exports.start', { backupId, disk: 'vda', listen: '127.0.0.1:0' }));
    const rw = ok(await core.api.invoke('exports.start', { backupId, disk: 'vda', listen: `127.0.0.1:${ro.port}`, writable: true }));
    expect(rw.port).toBe(ro.port);
    expect(rw.name).toBe(`${ro.name}-2`);
    await run('qemu-io', ['-f', 'raw', '-c', 'write -P 0x5a 0 65536', rw.url]);
    // the writable export shows the write; the read-only one, the restore point, does not
    await expect(run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', image, rw.url])).rejects.toMatchObject({
      stdout: expect.stringContaining('Content mismatch at offset 0'),
    });
    expect((await run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', image, ro.url])).stdout).toContain('Images are identical');

    await t!.close();
    t = undefined;
    expect(await refused(ro.port)).toBe(true);
  });

  it('refuses a missing disk, an address that is not one, and a port another program holds, saying what to do', async () => {
    const { backupId } = await restorePoint();
    const missing = await core.api.invoke('exports.start', { backupId, disk: 'vdz', listen: '127.0.0.1:0' });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'resource.notFound', message: expect.stringContaining('no disk named vdz') });
    const bad = await core.api.invoke('exports.start', { backupId, disk: 'vda', listen: 'example.com:10809' });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'validation.invalidInput', message: expect.stringContaining('such as 127.0.0.1:10809') });
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const taken = await core.api.invoke('exports.start', { backupId, disk: 'vda', listen: `127.0.0.1:${port}` });
      expect(!taken.ok && taken.error).toMatchObject({
        code: 'resource.conflict',
        message: expect.stringContaining(`Port ${port} on 127.0.0.1 is in use`),
      });
    } finally {
      holder.close();
    }
    expect(ok(await core.api.invoke('exports.list', {})).items).toEqual([]);
  });

  it('serves over TLS with the certificate given, and refuses files that are not a usable certificate and key', async () => {
    const { backupId, image } = await restorePoint();
    const certs = testCertificates(path.join(dir, 'certs'));
    const e = ok(await core.api.invoke('exports.start', { backupId, listen: '127.0.0.1:0', tls: { certFile: certs.cert, keyFile: certs.key } }));
    expect(e).toMatchObject({ tls: true, url: `nbds://127.0.0.1:${e.port}/${e.name}` });
    const [, ...args] = e.commands.qemuImg.replace('CA_DIR', certs.caDir).split(' ');
    const copy = path.join(dir, 'copy.raw');
    await run('qemu-img', ['convert', ...args.slice(1, 3), '-O', 'raw', ...args.slice(3), copy]);
    expect(fs.readFileSync(copy).equals(fs.readFileSync(image))).toBe(true);
    // a plain export cannot share the TLS server's port
    const plain = await core.api.invoke('exports.start', { backupId, listen: `127.0.0.1:${e.port}` });
    expect(!plain.ok && plain.error).toMatchObject({
      code: 'resource.conflict',
      message: expect.stringContaining('serves exports with TLS already'),
    });

    const missing = await core.api.invoke('exports.start', { backupId, tls: { certFile: path.join(dir, 'none.pem'), keyFile: certs.key } });
    expect(!missing.ok && missing.error).toMatchObject({
      code: 'validation.invalidInput',
      message: expect.stringContaining('cannot be read (ENOENT)'),
    });
    const swapped = await core.api.invoke('exports.start', { backupId, listen: '127.0.0.1:0', tls: { certFile: certs.key, keyFile: certs.cert } });
    expect(!swapped.ok && swapped.error).toMatchObject({ code: 'validation.invalidInput', message: expect.stringContaining('are not usable') });
    expect(ok(await core.api.invoke('exports.list', {})).items).toHaveLength(1);
  });
});
