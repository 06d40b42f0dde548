// Differential restore over an instance's existing disks (issue 16), on the lab: two servers of
// our own (a qcow2 disk over _base on lab-kvm-1 with a Ceph RBD volume attached, a raw file on
// lab-kvm-2) are backed up, a few MiB of each disk are changed through the running guest's disk
// backend (inside data the restore point holds, and where it holds zeros, at offsets off any
// block boundary), then `backstack restore in-place` — the built CLI, a process of its own —
// stops each through Nova, writes only the blocks that differ, and starts it again: bytes written
// ≤ 1.1x the bytes that differ, every disk byte-identical to the restore point, ACTIVE. Nova
// starts an instance from its own files (power-on is a hard reboot that leaves our snapshot
// overlays out), so those files are what is restored and checked.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskReader, openRepository, parseRef } from '../../../electron/engine';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import { dumpDomain } from '../../../electron/transfer/libvirt-ssh/snapshot-ops';
import { releaseSnapshots } from '../../../electron/transfer/libvirt-ssh/release';
import type { SshSession } from '../../../electron/transfer/libvirt-ssh/ssh';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { manifestOf, openInstallation, runJob, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, connect, createServer, createVolume, deleteServer, deleteVolume, guestWrite, waitServer } from './support/guests';
import type { Server } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

const root = resolve(__dirname, '../../..');
const MiB = 1024 * 1024;
const suffix = Date.now().toString(36);
let os: Session;
let A: Installation;
let home = '';
let kvm1: Hypervisor;
let kvm2: Hypervisor;
let ssh1: SshSession;
let ssh2: SshSession;
let qcow: Server;
let raw: Server;
let volumeId = '';
const servers: string[] = [];
let closed = false;

/** The built CLI in a process of its own, on the installation's catalog. */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(root, 'bin', 'backstack.cjs'), ...args], { cwd: root, env: { ...process.env, BACKSTACK_HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.stdin.end('');
    p.on('exit', (code) => done({ code, out, err }));
  });
}

interface Change {
  disk: string;
  pattern: number;
  offset: number;
  length: number;
}

/** Bytes of the changes that differ from the restore point (a pattern byte equal to the old one changed nothing). */
async function differingBytes(backupId: string, changes: Change[]): Promise<number> {
  const repo = await openRepository(join(home, 'repo'), {});
  const ref = parseRef(backupId);
  let n = 0;
  try {
    for (const c of changes) {
      const reader = await openDiskReader(repo, { group: ref.group, backup: ref.time, disk: c.disk });
      try {
        const old = await reader.read(c.offset, c.length);
        for (const b of old) if (b !== c.pattern) n++;
      } finally {
        await reader.close();
      }
    }
  } finally {
    await repo.close();
  }
  return n;
}

/** sha256 of a disk of the restore point, read here from the destination. */
async function pointSha(backupId: string, disk: string): Promise<string> {
  const repo = await openRepository(join(home, 'repo'), {});
  const ref = parseRef(backupId);
  const reader = await openDiskReader(repo, { group: ref.group, backup: ref.time, disk });
  const h = createHash('sha256');
  try {
    for (let at = 0; at < reader.size; at += 4 * MiB) h.update(await reader.read(at, 4 * MiB));
  } finally {
    await reader.close();
    await repo.close();
  }
  return h.digest('hex');
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  [kvm1, kvm2] = ['lab-kvm-1', 'lab-kvm-2'].map((h) => loadHypervisors().find((x) => x.host === h)!) as [Hypervisor, Hypervisor];
  A = await openInstallation('inplace', cloud, [kvm1, kvm2]);
  home = A.home;
  ssh1 = await connect(kvm1);
  ssh2 = await connect(kvm2);
  [qcow, raw] = await Promise.all([
    createServer(os, { name: `inplace-qcow-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' }),
    createServer(os, { name: `inplace-raw-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net', zone: 'raw' }),
  ]);
  servers.push(qcow.id, raw.id);
  volumeId = await createVolume(os, `inplace-data-${suffix}`, 1);
  await attachVolume(os, qcow.id, volumeId);
}, 900_000);

afterAll(async () => {
  if (A) console.log(`jobs:\n${A.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  // our RBD snapshot first: Cinder cannot delete a volume that still has one
  if (qcow) await releaseSnapshots(ssh1, qcow['OS-EXT-SRV-ATTR:instance_name'], { installation: A.id, isJobRunning: () => false }).catch(warn);
  // ours by name too: one created while the other failed to be is not in the list yet
  const { servers: named } = await os.request<{ servers: { id: string }[] }>('compute', `/servers?all_tenants=1&name=${encodeURIComponent(`^inplace-.*-${suffix}$`)}`).catch(() => ({ servers: [] }));
  await Promise.all([...new Set([...servers, ...named.map((x) => x.id)])].map((id) => deleteServer(os, id).catch(warn)));
  if (volumeId) await deleteVolume(os, volumeId).catch(warn);
  ssh1?.close();
  ssh2?.close();
  if (A && !closed) await A.core.close();
  if (home) rmSync(home, { recursive: true, force: true });
}, 900_000);

describe('restore in place', () => {
  it('writes only the blocks that differ, ends byte-identical to the restore point, and the servers ACTIVE again', async () => {
    // qcow: its restore point's RBD snapshot stays kept (the default) and tells what changed on
    // vdb since; vda is a file, which keeps nothing on the host: compared in full. raw: restored
    // to an older point than the last one, its file compared in full too.
    const run = async (instanceId: string, mode: 'full' | 'incremental') => {
      const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId, mode, keepSnapshot: true });
      expect(job.state, log.join('\n')).toBe('succeeded');
      return /backup (\S+\/\S+):/.exec(job.summary ?? '')![1]!;
    };
    const size = (m: { disks: { name: string; size: number }[] }, d: string) => m.disks.find((x) => x.name === d)!.size;
    // data the restore point holds (vda: the boot partition's files; vdb: what the backup read), and zeros further on
    const changesOf = (disk: string, bytes: number, k: number): Change[] => [
      { disk, pattern: 0x5a + k, offset: 2 * MiB + 12_345, length: MiB + 3 },
      { disk, pattern: 0x61 + k, offset: Math.floor(bytes * 0.4) + 777, length: 2 * MiB },
      { disk, pattern: 0x71 + k, offset: Math.floor(bytes * 0.7) + 4097, length: MiB },
    ];
    const write = async (ssh: SshSession, s: Server, changes: Change[]) => {
      for (const x of changes) await guestWrite(ssh, s['OS-EXT-SRV-ATTR:instance_name'], x.disk, x.pattern, String(x.offset), String(x.length));
    };

    const qcowPoint = await run(qcow.id, 'full');
    const qcowManifest = await manifestOf(A, `backup ${qcowPoint}:`);
    const qcowChanges = ['vda', 'vdb'].flatMap((d, k) => changesOf(d, size(qcowManifest, d), k));
    await write(ssh1, qcow, qcowChanges);

    const rawPoint = await run(raw.id, 'full');
    const rawManifest = await manifestOf(A, `backup ${rawPoint}:`);
    const rawChanges = changesOf('vda', size(rawManifest, 'vda'), 0);
    await write(ssh2, raw, rawChanges);
    await run(raw.id, 'incremental'); // a later restore point than the one restored
    await A.core.close(); // the CLI runs the restores on this catalog, in its own process
    closed = true;

    const cases = [
      { server: qcow, ssh: ssh1, point: qcowPoint, changes: qcowChanges, expect: { vda: 'hashed', vdb: 'kept-diff' } },
      { server: raw, ssh: ssh2, point: rawPoint, changes: rawChanges, expect: { vda: 'hashed' } },
    ] as const;
    for (const c of cases) {
      const started = performance.now();
      const r = await cli(['restore', 'in-place', '--backup', c.point, '--instance', c.server.id, '--yes', '--json']);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      expect(r.code, `${r.err}\n${r.out}`).toBe(0);
      const job = JSON.parse(r.out) as { id: string; state: string; summary: string };
      expect(job.state).toBe('succeeded');
      A.figures.push({ job: `restore in-place ${c.server.name}`, seconds, summary: job.summary });
      expect(job.summary).toMatch(new RegExp(`^inplace-\\S+ \\(${c.server.id}\\) restored in place from .*, verified; ACTIVE\\.$`));

      // per disk, the job's own count of what it wrote (its log) against what the guest changed
      const domain = c.server['OS-EXT-SRV-ATTR:instance_name'];
      for (const [disk, how] of Object.entries(c.expect)) {
        const line = r.err.split('\n').find((l) => l.startsWith(`INFO  Disk ${disk}: `) && /written|nothing written/.test(l));
        expect(line, r.err).toBeDefined();
        const changed = await differingBytes(c.point, c.changes.filter((x) => x.disk === disk));
        expect(changed).toBeGreaterThan(3.9 * MiB);
        const written = Number(/\((\d+) bytes\) written/.exec(line!)?.[1]);
        console.log(`${c.server.name} ${disk}: ${changed} bytes changed, ${written} written (${(written / changed).toFixed(3)}x), ${how}, ${seconds} s`);
        expect(line).toContain(how === 'kept-diff' ? 'written since the restore point compared' : 'hashed on the hypervisor');
        expect(written).toBeGreaterThanOrEqual(changed);
        expect(written).toBeLessThanOrEqual(1.1 * changed);
      }
      expect(r.err, 'no overlay is left above a restored file').not.toContain('snapshot overlays above them');

      // byte-identical: each disk as the hypervisor reads it now (what Nova booted), against the restore point read here
      const live = (await dumpDomain(c.ssh, domain)).disks;
      for (const disk of Object.keys(c.expect)) {
        const d = live.find((x) => x.target === disk)!;
        expect(d.source.kind === 'file' ? d.source.path : '', 'Nova booted its own file').not.toContain('.bsk-');
        expect(await remoteDiskSha256(c.ssh, d.source, d.format ?? 'raw'), `${c.server.name} ${disk}`).toBe(await pointSha(c.point, disk));
      }
      const back = await waitServer(os, c.server.id, 'ACTIVE');
      expect(back.status).toBe('ACTIVE');
    }
  });
});
