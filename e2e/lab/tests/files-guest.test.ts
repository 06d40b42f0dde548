// File-level restore back into a running instance (issue 14), against the lab: a file written in a
// lab guest's /data (ext4 on vda2) through its guest agent is backed up (libvirt strategy), found
// with `backstack files ls`, copied out with `files get` (same sha256), then written back into the
// running guest with `files restore --to-instance` under another folder and read back from the
// guest through guest-file-read (same sha256, mode and time kept); its folder goes in whole (a
// link stays a link, a sub-folder keeps its mode, with the guest's own busybox tools); a second
// restore keeps the first as .orig.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshSession } from '../../../electron/transfer/libvirt-ssh/ssh';
import { closeInstallation, openInstallation, runJob, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { connect, createServer, deleteServer } from './support/guests';
import { until } from './support/lab';
import type { Server } from './support/nova';
import { loadHypervisors } from './support/ssh';

const root = resolve(__dirname, '../../..');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const suffix = Date.now().toString(36);
// five guest-file-write pieces and a bit: the chunking is crossed on the way back in
const DATA = randomBytes(300 * 1024 + 123);
const MTIME = 1_767_225_600; // 2026-01-01T00:00:00Z

let os: Session;
let A: Installation;
let server: Server;
let ssh: SshSession;
let backupId = '';

/** One guest agent command through virsh on the server's hypervisor (the test's own, independent of Backstack's client). */
async function agent<T>(execute: string, args?: Record<string, unknown>): Promise<T> {
  const json = JSON.stringify(args ? { execute, arguments: args } : { execute });
  return (JSON.parse(await ssh.run(['virsh', 'qemu-agent-command', '--domain', server['OS-EXT-SRV-ATTR:instance_name'], '--timeout', '30', json])) as { return: T }).return;
}
async function guestExec(argv: string[]): Promise<{ exitcode: number; out: string }> {
  const { pid } = await agent<{ pid: number }>('guest-exec', { path: argv[0], arg: argv.slice(1), 'capture-output': true });
  const st = await until(`guest-exec ${argv[0]}`, async () => {
    const s = await agent<{ exited: boolean; exitcode: number; 'out-data'?: string }>('guest-exec-status', { pid });
    return s.exited ? s : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  return { exitcode: st.exitcode, out: Buffer.from(st['out-data'] ?? '', 'base64').toString() };
}
async function guestRead(path: string): Promise<Buffer> {
  const h = await agent<number>('guest-file-open', { path, mode: 'r' });
  const parts: Buffer[] = [];
  for (;;) {
    const r = await agent<{ 'buf-b64': string; eof: boolean; count: number }>('guest-file-read', { handle: h, count: 1024 * 1024 });
    parts.push(Buffer.from(r['buf-b64'], 'base64'));
    if (r.eof || r.count === 0) break;
  }
  await agent('guest-file-close', { handle: h });
  return Buffer.concat(parts);
}

/** `backstack ARGS` as built (npm run build:cli), on the installation's catalog. */
function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin', 'backstack.cjs'), ...args], { cwd: root, env: { ...process.env, BACKSTACK_HOME: A.home }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (e, out, err) =>
      done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: out.toString('latin1'), err: err.toString() }),
    );
  });
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  const hypervisors = loadHypervisors();
  A = await openInstallation('F', cloud, hypervisors);
  server = await createServer(os, { name: `guestfile-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  ssh = await connect(hypervisors.find((h) => h.host === server['OS-EXT-SRV-ATTR:host'])!);
  // the guest's /init starts qemu-ga once /data is mounted
  await until('the guest agent answers', async () => (await agent('guest-ping')) !== undefined && (await guestExec(['test', '-d', '/data'])).exitcode === 0, { timeoutMs: 300_000, intervalMs: 2_000 });
}, 900_000);

afterAll(async () => {
  if (A) console.log(`jobs:\n${A.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  ssh?.close();
  if (server) await deleteServer(os, server.id).catch((e: unknown) => console.warn(`cleanup: ${(e as Error).message}`));
  await closeInstallation(A);
}, 900_000);

describe('files back into a running guest', () => {
  it('a file written in the guest is backed up, found by files search, listed and copied out with the same sha256', async () => {
    // /data/gf: the file, a link to it and a sub-folder with a small file
    expect((await guestExec(['mkdir', '-p', '/data/gf/sub'])).exitcode).toBe(0);
    const h = await agent<number>('guest-file-open', { path: '/data/gf/guestfile.bin', mode: 'w' });
    for (let at = 0; at < DATA.length; at += 48 * 1024) await agent('guest-file-write', { handle: h, 'buf-b64': DATA.subarray(at, at + 48 * 1024).toString('base64') });
    await agent('guest-file-close', { handle: h });
    const s = await agent<number>('guest-file-open', { path: '/data/gf/sub/small.txt', mode: 'w' });
    await agent('guest-file-write', { handle: s, 'buf-b64': Buffer.from('small\n').toString('base64') });
    await agent('guest-file-close', { handle: s });
    for (const argv of [['ln', '-s', 'guestfile.bin', '/data/gf/link'], ['chmod', '0640', '/data/gf/guestfile.bin'], ['chmod', '0750', '/data/gf/sub'], ['touch', '-d', `@${MTIME}`, '/data/gf/guestfile.bin']])
      expect((await guestExec(argv)).exitcode, argv.join(' ')).toBe(0);
    // on the disk before the snapshot (no freeze hook here)
    expect((await guestExec(['sync'])).exitcode).toBe(0);

    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'full', keepSnapshot: false });
    expect(job.state, log.join('\n')).toBe('succeeded');
    backupId = /backup (\S+\/\S+):/.exec(job.summary ?? '')![1]!;

    // the file index the backup queued (files.index) finds it by name, as the CLI's search of this instance
    await A.core.jobs.whenIdle();
    const found = await cli(['files', 'search', 'guestfile*', '--instance', server.id, '--json']);
    expect(found.code, found.err).toBe(0);
    const hit = (JSON.parse(found.out) as { hits: { path: string; partition: number | null; versions: { size: number; restorePoints: { backupId: string }[] }[] }[] }).hits.find((h) => h.path === '/gf/guestfile.bin');
    expect(hit).toMatchObject({ partition: 2, versions: [{ size: DATA.length, restorePoints: [{ backupId }] }] });

    const ls = await cli(['files', 'ls', '--backup', backupId, '--disk', 'vda', '--partition', '2', '/gf', '--json']);
    expect(ls.code, ls.err).toBe(0);
    const entry = (JSON.parse(ls.out) as { entries: { name: string; size: number; mode: number; mtime: string }[] }).entries.find((e) => e.name === 'guestfile.bin');
    expect(entry).toMatchObject({ size: DATA.length, mode: 0o640, mtime: new Date(MTIME * 1000).toISOString() });

    const out = join(A.home, 'got');
    const get = await cli(['files', 'get', '--backup', backupId, '--disk', 'vda', '--partition', '2', '/gf/guestfile.bin', '--out', out]);
    expect(get.code, get.err).toBe(0);
    expect(sha256(readFileSync(join(out, 'guestfile.bin')))).toBe(sha256(DATA));
  });

  it('files restore --to-instance writes it back into the running guest under another folder: same bytes, mode and time', async () => {
    const started = performance.now();
    const r = await cli(['files', 'restore', '--backup', backupId, '--disk', 'vda', '--partition', '2', '/gf/guestfile.bin', '--to-instance', server.id, '--guest-path', '/data/restored']);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    A.figures.push({ job: 'files restore --to-instance (CLI process)', seconds, summary: r.out.trim() });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`1 file (300.1 KiB), 0 folders and 0 links written into ${server.name}\n`);
    expect(sha256(await guestRead('/data/restored/guestfile.bin'))).toBe(sha256(DATA));
    expect((await guestExec(['stat', '-c', '%a %Y', '/data/restored/guestfile.bin'])).out.trim()).toBe(`640 ${MTIME}`);
    // nothing left behind: no temporary next to it
    expect((await guestExec(['ls', '-a', '/data/restored'])).out.split('\n').filter((n) => n && n !== '.' && n !== '..')).toEqual(['guestfile.bin']);
  });

  it('a folder goes in whole: its files, the link as a link, the sub-folder with its mode', async () => {
    const started = performance.now();
    const r = await cli(['files', 'restore', '--backup', backupId, '--disk', 'vda', '--partition', '2', '/gf', '--to-instance', server.id, '--guest-path', '/data/restored']);
    A.figures.push({ job: 'files restore of a folder (CLI process)', seconds: Math.round((performance.now() - started) / 100) / 10, summary: r.out.trim() });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`2 files (300.1 KiB), 2 folders and 1 link written into ${server.name}\n`);
    expect(sha256(await guestRead('/data/restored/gf/guestfile.bin'))).toBe(sha256(DATA));
    expect((await guestRead('/data/restored/gf/sub/small.txt')).toString()).toBe('small\n');
    expect((await guestExec(['readlink', '/data/restored/gf/link'])).out).toBe('guestfile.bin\n');
    expect((await guestExec(['stat', '-c', '%a', '/data/restored/gf/sub'])).out.trim()).toBe('750');
  });

  it('a second restore keeps what is there as .orig', async () => {
    const h = await agent<number>('guest-file-open', { path: '/data/restored/guestfile.bin', mode: 'w' });
    await agent('guest-file-write', { handle: h, 'buf-b64': Buffer.from('edited in the guest\n').toString('base64') });
    await agent('guest-file-close', { handle: h });
    const r = await cli(['files', 'restore', '--backup', backupId, '--disk', 'vda', '--partition', '2', '/gf/guestfile.bin', '--to-instance', server.id, '--guest-path', '/data/restored']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('/data/restored/guestfile.bin was in the way: kept as /data/restored/guestfile.bin.orig.');
    expect(sha256(await guestRead('/data/restored/guestfile.bin'))).toBe(sha256(DATA));
    expect((await guestRead('/data/restored/guestfile.bin.orig')).toString()).toBe('edited in the guest\n');
  });
});
