import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDisk, fileSource, initRepository, openRepository } from '../engine';
import { mkfsExt4, partitionedDisk, placeAt, sha256, writeHostileNames, writeTree, type Expected } from '../filesystems/testing/images';
import { testCli } from './test-cli';

// `backstack files …` as an admin runs it: a GPT disk (BIOS boot, an ext4 root, an ext2 data
// partition) backed up into a destination the catalog knows, and into an encrypted bare folder.
const PASS = 'files test passphrase';
let cli: ReturnType<typeof testCli>;
let exp: Expected;
let backupId: string;
let work: string;

beforeAll(async () => {
  cli = testCli('backstack-cli-files-');
  work = path.join(cli.home, 'work');
  const tree = path.join(work, 'tree');
  exp = writeTree(tree);
  writeHostileNames(tree);
  const root = path.join(work, 'root.img');
  mkfsExt4(root, tree, 80);
  const data = path.join(work, 'data');
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, 'marker.txt'), 'data partition\n');
  const dataImg = path.join(work, 'data.img');
  mkfsExt4(dataImg, data, 16, ['-t', 'ext2', '-L', 'data']);
  const disk = path.join(work, 'disk.img');
  partitionedDisk(disk, 120, 'gpt', ['-n', '1:2048:+1M', '-t', '1:ef02', '-n', '2:0:+80M', '-t', '2:8300', '-c', '2:root', '-n', '3:0:+16M', '-t', '3:8300']);
  placeAt(disk, root, 4096 * 512);
  placeAt(disk, dataImg, (4096 + 80 * 2048) * 512);
  for (const [dir, passphrase] of [[path.join(work, 'dest'), undefined], [path.join(work, 'sealed'), PASS]] as const) {
    await initRepository(dir, { chunkSize: 1024 * 1024, ...(passphrase ? { passphrase, kdf: { N: 1024, r: 8, p: 1 } } : {}) });
    const repo = await openRepository(dir, passphrase ? { passphrase } : {});
    try {
      const id = (await backupDisk(repo, { group: 'vm-1', name: 'vda', source: fileSource(disk) })).id;
      if (!passphrase) backupId = id;
    } finally {
      await repo.close();
    }
  }
  expect(await cli.run(['destination', 'add', 'local', path.join(work, 'dest')])).toBe(0);
  cli.clear();
}, 120_000);
afterAll(() => cli.cleanup());

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  cli.clear();
  const code = await cli.run(args, { env });
  return { code, out: cli.io.out, err: cli.io.err };
}

describe('backstack files', () => {
  it('volumes: the partition table and what each partition holds', async () => {
    const r = await run(['files', 'volumes', '--backup', backupId]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('vda: 120.0 MiB, GPT partition table');
    expect(r.out).toMatch(/vda2\s+2\s+80\.0 MiB\s+Linux filesystem\s+root\s+ext4/);
    expect(r.out).toMatch(/vda3\s+3\s+16\.0 MiB\s+Linux filesystem\s+data\s+ext2/);
    expect(r.out).toMatch(/vda1\s+1\s+1\.0 MiB\s+BIOS boot\s+-\s+This volume holds no file system/);
  });

  it('ls: a folder with modes, owners, sizes, times and link targets; names a terminal can show', async () => {
    const r = await run(['files', 'ls', '--backup', backupId, '--partition', '2', '/etc']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^drwxr-xr-x\s+\d+:\d+\s+-\s+\S+ \S+\s+nginx$/m);
    expect(r.out).toMatch(/^-rw-------\s+\d+:\d+\s+6\s+2026-11-23 09:30:15Z\s+hostname$/m);
    expect(r.out).toMatch(/^lrwxrwxrwx .* passwd-link -> \/etc\/passwd$/m);
    const hostile = await run(['files', 'ls', '--backup', backupId, '--partition', '2', '/hostile', '--json']);
    const names = (JSON.parse(hostile.out) as { entries: { name: string }[] }).entries.map((e) => e.name);
    expect(names.sort()).toEqual(['..dots', 'back\\\\slash', 'bell\\x07\\x1b[31mred', 'f\\xff\\xfe.txt'].sort());
    expect(hostile.out).not.toContain('\x1b');
    const noPartition = await run(['files', 'ls', '--backup', backupId, '/']);
    expect(noPartition).toMatchObject({ code: 3, err: expect.stringContaining('Disk vda has 3 volumes (1: not browsable, 2: ext4, 3: ext2): choose one with --partition N.') });
    const missing = await run(['files', 'ls', '--backup', backupId, '--partition', '2', '/etc/nope']);
    expect(missing).toMatchObject({ code: 4, err: 'backstack: /etc/nope does not exist in this restore point.\n' });
  });

  it('get: the whole file system into a folder, every file, link and folder as it was; names that cannot be written are refused and listed', async () => {
    const out = path.join(work, 'restored');
    const r = await run(['files', 'get', '--backup', backupId, '--partition', '2', '/', '--out', out]);
    // two hostile names (a control character, invalid UTF-8) are refused: exit 3, the rest restored
    expect(r.code).toBe(3);
    expect(r.out).toContain('/hostile/bell\\x07\\x1b[31mred: not restored: a name with bytes that are not printable UTF-8');
    expect(r.out).toContain('/hostile/f\\xff\\xfe.txt: not restored');
    expect(r.err).toBe('backstack: 2 entries were not restored (listed above).\n');
    for (const [p, e] of Object.entries(exp.files)) {
      const local = path.join(out, p);
      const st = fs.statSync(local);
      expect({ p, sha256: sha256(fs.readFileSync(local)), size: st.size, mode: st.mode & 0o777, mtimeMs: st.mtimeMs }).toEqual({ p, ...e });
    }
    for (const [p, target] of Object.entries(exp.symlinks)) expect(fs.readlinkSync(path.join(out, p))).toBe(target);
    for (const d of exp.dirs) expect(fs.statSync(path.join(out, d)).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'hostile', 'back\\slash'), 'utf8')).toBe('x');
    // the sparse file stays sparse: 32 MiB long, about 1 MiB written
    expect(fs.statSync(path.join(out, 'var/lib/sparse.img')).blocks * 512).toBeLessThan(4 * 1024 * 1024);
    expect(fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.backstack-'))).toEqual([]);
  });

  it('get: existing files are kept unless --rename or --overwrite says otherwise', async () => {
    const out = path.join(work, 'again');
    const args = ['files', 'get', '--backup', backupId, '--partition', '2', '/etc/hostname', '/etc/nginx', '--out', out];
    expect((await run(args)).code).toBe(0);
    fs.writeFileSync(path.join(out, 'hostname'), 'edited\n');
    const kept = await run(args);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain(`/etc/hostname: not restored: ${path.join(out, 'hostname')} exists already`);
    expect(fs.readFileSync(path.join(out, 'hostname'), 'utf8')).toBe('edited\n');
    expect((await run([...args, '--rename'])).out).toContain(`/etc/hostname: exists, written as ${path.join(out, 'hostname.restored')}`);
    expect(fs.readFileSync(path.join(out, 'hostname.restored'), 'utf8')).toBe('web-1\n');
    expect((await run([...args, '--overwrite'])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'hostname'), 'utf8')).toBe('web-1\n');
    expect((await run([...args, '--overwrite', '--skip'])).code).toBe(2);
  });

  it('--repo --id: an encrypted destination folder without the catalog', async () => {
    const sealed = path.join(work, 'sealed');
    const noPass = await run(['files', 'ls', '--repo', sealed, '--id', 'vm-1', '--partition', '3', '/']);
    expect(noPass.code).not.toBe(0);
    expect(noPass.err).toMatch(/encrypted destination: pipe its passphrase/);
    const ls = await run(['files', 'ls', '--repo', sealed, '--id', 'vm-1', '--partition', '3', '/', '--json'], { BACKSTACK_PASSPHRASE: PASS });
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.out) as { entries: { name: string }[] }).entries.map((e) => e.name).sort()).toEqual(['lost+found', 'marker.txt']);
    const out = path.join(work, 'from-folder');
    const get = await run(['files', 'get', '--repo', sealed, '--id', 'vm-1', '--backup', 'latest', '--partition', '3', '/marker.txt', '--out', out], { BACKSTACK_PASSPHRASE: PASS });
    expect(get.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'marker.txt'), 'utf8')).toBe('data partition\n');
    expect((await run(['files', 'ls', '--repo', sealed, '/'])).err).toContain('--repo needs --id GROUP');
    expect((await run(['files', 'ls', '/'])).err).toContain('Name the restore point with --backup ID');
  });
});
