import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, openTestCore, type TestCore } from '../core/testing';
import { backupDisk, fileSource } from '../engine';
import { contentDisposition } from './downloads';
import { startConsoleServer, type ConsoleServer } from './server';

let tc: TestCore;
let server: ConsoleServer;
let backupId: string;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const T = Date.UTC(2026, 10, 24, 9, 30, 15);
const MiB = 1024 * 1024;
/** what the disk holds: path → bytes, mode */
const files: Record<string, { data: Buffer; mode: number }> = {
  '/etc/nginx/nginx.conf': { data: Buffer.from('worker_processes 4;\n'.repeat(500)), mode: 0o644 },
  '/etc/hostname': { data: Buffer.from('web-1\n'), mode: 0o600 },
  '/usr/bin/tool': { data: randomBytes(700_000), mode: 0o755 },
  '/var/empty-file': { data: Buffer.alloc(0), mode: 0o644 },
};
const sparse = Buffer.alloc(8 * MiB);
randomBytes(MiB).copy(sparse, 3 * MiB);

/** A folder of known files, symlinks (relative, absolute, looping), a sparse file and names a guest could craft. */
function writeTree(root: string): void {
  for (const [rel, f] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.data, { mode: f.mode });
    fs.chmodSync(p, f.mode);
    fs.utimesSync(p, T / 1000, T / 1000);
  }
  const fd = fs.openSync(path.join(root, 'var/sparse.img'), 'w');
  fs.writeSync(fd, sparse.subarray(3 * MiB, 4 * MiB), 0, MiB, 3 * MiB);
  fs.ftruncateSync(fd, sparse.length);
  fs.closeSync(fd);
  fs.symlinkSync('nginx.conf', path.join(root, 'etc/nginx/current'));
  fs.symlinkSync('/etc/passwd', path.join(root, 'etc/passwd-link'));
  fs.symlinkSync('loop-b', path.join(root, 'var/loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'var/loop-b'));
  fs.mkdirSync(path.join(root, 'hostile'));
  for (const n of [
    Buffer.from('bell\x07\x1b[31mred'),
    Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]),
    Buffer.from('..dots'),
    Buffer.from('back\\slash'),
  ])
    fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/hostile/`), n]), 'x');
}

// A console over a destination holding one restore point of a real ext4 disk (mkfs.ext4 -d).
beforeAll(async () => {
  tc = openTestCore('backstack-downloads-');
  const tree = path.join(tc.dir, 'tree');
  writeTree(tree);
  const image = path.join(tc.dir, 'disk.img');
  execFileSync(['/usr/sbin/mkfs.ext4', '/sbin/mkfs.ext4'].find((p) => fs.existsSync(p)) ?? 'mkfs.ext4', ['-q', '-F', '-d', tree, image, '32M'], {
    stdio: 'pipe',
  });
  const dest = ok(await tc.core.api.invoke('destinations.create', { name: 'local', path: path.join(tc.dir, 'dest') }));
  const m = await tc.core.services.destinations.withOpen(dest.destination.id, (repo) =>
    backupDisk(repo, { group: 'vm-1', name: 'vda', source: fileSource(image) }),
  );
  backupId = m.id;
  await tc.core.services.destinations.reindex(dest.destination.id);
  fs.mkdirSync(path.join(tc.dir, 'ui'));
  server = await startConsoleServer({ core: tc.core, staticDir: path.join(tc.dir, 'ui') });
}, 60_000);
afterAll(async () => {
  await server.close();
  await tc.close();
});

const auth = () => ({ authorization: `Bearer ${server.token}` });
const prepare = async (paths: string[]) =>
  (await (
    await fetch(`${server.url}/api/invoke/files.prepareDownload`, { method: 'POST', headers: auth(), body: JSON.stringify({ backupId, paths }) })
  ).json()) as
    | { ok: true; value: { ticket: string; name: string; kind: string; size: number | null } }
    | { ok: false; error: { code: string; message: string } };
const get = (ticket: string, headers: Record<string, string> = auth()) => fetch(`${server.url}/api/files/download/${ticket}`, { headers });

/** Extracts a tar answer with GNU tar into a new folder. */
async function untar(res: Response, name: string): Promise<string> {
  const file = path.join(tc.dir, `${name}.tar`);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const out = path.join(tc.dir, name);
  fs.mkdirSync(out);
  execFileSync('tar', ['-xf', file, '-C', out]);
  return out;
}

describe('file downloads in console mode', () => {
  it('downloads a file as itself: its bytes, its length and its name', async () => {
    const p = await prepare(['/usr/bin/tool']);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value).toMatchObject({ name: 'tool', kind: 'file', size: 700_000 });
    const res = await get(p.value.ticket);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="tool"; filename*=UTF-8''tool`);
    expect(res.headers.get('content-length')).toBe('700000');
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(files['/usr/bin/tool']!.data));
  });

  it('downloads a folder as a tar archive holding every file, folder and symlink (never followed)', async () => {
    const p = await prepare(['/etc']);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value).toMatchObject({ name: 'etc.tar', kind: 'archive', size: null });
    const res = await get(p.value.ticket);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const out = await untar(res, 'etc');
    for (const f of ['/etc/nginx/nginx.conf', '/etc/hostname']) {
      expect(fs.readFileSync(path.join(out, f))).toEqual(files[f]!.data);
      expect(fs.statSync(path.join(out, f)).mode & 0o777).toBe(files[f]!.mode);
      expect(fs.statSync(path.join(out, f)).mtimeMs).toBe(T);
    }
    expect(fs.readlinkSync(path.join(out, 'etc/passwd-link'))).toBe('/etc/passwd');
    expect(fs.readlinkSync(path.join(out, 'etc/nginx/current'))).toBe('nginx.conf');
    expect(fs.existsSync(path.join(out, 'BACKSTACK-NOT-INCLUDED.txt'))).toBe(false);
  });

  it('downloads several entries of a folder as one archive; a sparse file comes whole', async () => {
    const p = await prepare(['/var/sparse.img', '/var/empty-file', '/var/loop-a']);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.name).toBe('var-selection.tar');
    const out = await untar(await get(p.value.ticket), 'var-selection');
    expect(fs.readdirSync(out).sort()).toEqual(['empty-file', 'loop-a', 'sparse.img']);
    expect(sha256(fs.readFileSync(path.join(out, 'sparse.img')))).toBe(sha256(sparse));
    expect(fs.statSync(path.join(out, 'empty-file')).size).toBe(0);
    expect(fs.readlinkSync(path.join(out, 'loop-a'))).toBe('loop-b');
  });

  it('leaves out names that cannot be written safely, and lists them in the archive', async () => {
    const p = await prepare(['/hostile']);
    if (!p.ok) throw new Error(p.error.message);
    const out = await untar(await get(p.value.ticket), 'hostile');
    expect(fs.readdirSync(path.join(out, 'hostile')).sort()).toEqual(['..dots', 'back\\slash']);
    const notes = fs.readFileSync(path.join(out, 'BACKSTACK-NOT-INCLUDED.txt'), 'utf8');
    expect(notes).toContain('/hostile/bell\\x07\\x1b[31mred: a name with bytes that are not printable UTF-8');
    expect(notes).toContain('/hostile/f\\xff\\xfe.txt: a name with bytes that are not printable UTF-8');
  });

  it('never leaves the file system: "..", paths through symlinks and missing paths are refused before any download', async () => {
    const up = await prepare(['/etc/../../home']);
    expect(!up.ok && up.error).toMatchObject({ code: 'validation.invalidInput', message: expect.stringContaining('without "." or ".."') });
    const through = await prepare(['/etc/nginx/current/x']);
    expect(!through.ok && through.error.message).toMatch(/is a symbolic link to nginx\.conf; links are not followed/);
    const missing = await prepare(['/etc/shadow']);
    expect(!missing.ok && missing.error).toMatchObject({ code: 'resource.notFound', message: '/etc/shadow does not exist in this restore point.' });
  });

  it('needs the token, and a ticket serves one download only', async () => {
    const p = await prepare(['/etc/hostname']);
    if (!p.ok) throw new Error(p.error.message);
    expect((await get(p.value.ticket, {})).status).toBe(401);
    expect(await (await get(p.value.ticket)).text()).toBe('web-1\n');
    const again = await get(p.value.ticket);
    expect(again.status).toBe(404);
    expect(await again.text()).toBe('This download link has expired or was used already: start the download again from the file browser.\n');
    expect((await get('made-up')).status).toBe(404);
  });
});

describe('Content-Disposition', () => {
  it('names the file with an ASCII stand-in and the exact UTF-8 name, never a folder', () => {
    expect(contentDisposition('nginx.conf')).toBe(`attachment; filename="nginx.conf"; filename*=UTF-8''nginx.conf`);
    expect(contentDisposition('../../etc/passwd')).toBe(`attachment; filename="__.._etc_passwd"; filename*=UTF-8''__.._etc_passwd`);
    expect(contentDisposition('.bashrc')).toBe(`attachment; filename="_bashrc"; filename*=UTF-8''_bashrc`);
    expect(contentDisposition('say "hi";\r\n.txt')).toBe(`attachment; filename="say _hi____.txt"; filename*=UTF-8''say%20%22hi%22%3B%0D%0A.txt`);
    expect(contentDisposition('café (1).tar')).toBe(`attachment; filename="caf_ (1).tar"; filename*=UTF-8''caf%C3%A9%20%281%29.tar`);
    expect(contentDisposition('back\\slash')).toBe(`attachment; filename="back_slash"; filename*=UTF-8''back_slash`);
  });
});
