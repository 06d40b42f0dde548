import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, openTestCore, type TestCore } from '../core/testing';
import { backUpImage, mkfsExt4, sha256, writeHostileNames, writeTree, type Expected } from '../services/files/testing';
import { contentDisposition } from './downloads';
import { startConsoleServer, type ConsoleServer } from './server';

let tc: TestCore;
let server: ConsoleServer;
let expected: Expected;
let backupId: string;

// A console over a destination holding one restore point of a real ext4 disk (mkfs.ext4 -d).
beforeAll(async () => {
  tc = openTestCore('backstack-downloads-');
  const tree = path.join(tc.dir, 'tree');
  expected = writeTree(tree);
  writeHostileNames(tree);
  const image = path.join(tc.dir, 'disk.img');
  mkfsExt4(image, tree, 64);
  const dest = ok(await tc.core.api.invoke('destinations.create', { name: 'local', path: path.join(tc.dir, 'dest') }));
  backupId = (await tc.core.services.destinations.withOpen(dest.destination.id, (repo) => backUpImage(repo, image))).id;
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
  ).json()) as { ok: true; value: { ticket: string; name: string; kind: string; size: number | null } } | { ok: false; error: { code: string; message: string } };
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
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(expected.files['/usr/bin/tool']!.sha256);
  });

  it('downloads a folder as a tar archive holding every file, folder and symlink (never followed)', async () => {
    const p = await prepare(['/etc']);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value).toMatchObject({ name: 'etc.tar', kind: 'archive', size: null });
    const res = await get(p.value.ticket);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const out = await untar(res, 'etc');
    for (const f of ['/etc/nginx/nginx.conf', '/etc/hostname']) {
      expect(sha256(fs.readFileSync(path.join(out, f)))).toBe(expected.files[f]!.sha256);
      expect(fs.statSync(path.join(out, f)).mode & 0o777).toBe(expected.files[f]!.mode);
      expect(fs.statSync(path.join(out, f)).mtimeMs).toBe(expected.files[f]!.mtimeMs);
    }
    expect(fs.readlinkSync(path.join(out, 'etc/passwd-link'))).toBe('/etc/passwd');
    expect(fs.readlinkSync(path.join(out, 'etc/nginx/current'))).toBe('nginx.conf');
    expect(fs.existsSync(path.join(out, 'BACKSTACK-NOT-INCLUDED.txt'))).toBe(false);
  });

  it('downloads several entries of a folder as one archive; a sparse file comes whole', async () => {
    const p = await prepare(['/var/lib', '/var/empty-file', '/var/loop-a']);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.name).toBe('var-selection.tar');
    const out = await untar(await get(p.value.ticket), 'var-selection');
    expect(fs.readdirSync(out).sort()).toEqual(['empty-file', 'lib', 'loop-a']);
    expect(sha256(fs.readFileSync(path.join(out, 'lib/sparse.img')))).toBe(expected.files['/var/lib/sparse.img']!.sha256);
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
