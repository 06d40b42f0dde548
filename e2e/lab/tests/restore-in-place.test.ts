// Differential restore over an instance's existing disks (issue 16), on the lab: two servers of
// our own (a qcow2 disk over _base on lab-kvm-1 with a Ceph RBD volume attached, a raw file on
// lab-kvm-2) are backed up, a few MiB of each disk are changed through the running guest's disk
// backend (inside data the restore point holds, and where it holds zeros, at offsets off any
// block boundary), then `backstack restore in-place` — the built CLI, a process of its own —
// stops each through Nova, writes only the blocks that differ, and starts it again: bytes written
// ≤ 1.1x the bytes that differ, every disk byte-identical to the restore point, ACTIVE.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskReader, openRepository, parseRef } from '../../../electron/engine';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import { dumpDomain } from '../../../electron/transfer/libvirt-ssh/snapshot-ops';
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
  await Promise.all(servers.map((id) => deleteServer(os, id).catch(warn)));
  if (volumeId) await deleteVolume(os, volumeId).catch(warn);
  ssh1?.close();
  ssh2?.close();
  if (A && !closed) await A.core.close();
  if (home) rmSync(home, { recursive: true, force: true });
}, 900_000);

describe('restore in place', () => {
  it('writes only the blocks that differ, ends byte-identical to the restore point, and the servers ACTIVE again', async () => {
    const cases = [
      { server: qcow, ssh: ssh1, disks: ['vda', 'vdb'] },
      { server: raw, ssh: ssh2, disks: ['vda'] },
    ];
    const backups: string[] = [];
    for (const c of cases) {
      const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: c.server.id, mode: 'full', keepSnapshot: false });
      expect(job.state, log.join('\n')).toBe('succeeded');
      backups.push(/backup (\S+\/\S+):/.exec(job.summary ?? '')![1]!);
    }
    const manifests = await Promise.all(cases.map((c, i) => manifestOf(A, `backup ${backups[i]}:`)));
    await A.core.close(); // the CLI runs the restores on this catalog, in its own process
    closed = true;

    for (const [i, c] of cases.entries()) {
      const domain = c.server['OS-EXT-SRV-ATTR:instance_name'];
      const size = (d: string) => manifests[i]!.disks.find((x) => x.name === d)!.size;
      // data the restore point holds (vda: the boot partition's files; vdb: what the backup read), and zeros further on
      const changes: Change[] = c.disks.flatMap((disk, k) => [
        { disk, pattern: 0x5a + k, offset: 2 * MiB + 12_345, length: MiB + 3 },
        { disk, pattern: 0x61 + k, offset: Math.floor(size(disk) * 0.4) + 777, length: 2 * MiB },
        { disk, pattern: 0x71 + k, offset: Math.floor(size(disk) * 0.7) + 4097, length: MiB },
      ]);
      for (const x of changes) await guestWrite(c.ssh, domain, x.disk, x.pattern, String(x.offset), String(x.length));
      const changed = await differingBytes(backups[i]!, changes);
      expect(changed).toBeGreaterThan(3.9 * MiB * c.disks.length);

      const started = performance.now();
      const r = await cli(['restore', 'in-place', '--backup', backups[i]!, '--instance', c.server.id, '--yes', '--json']);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      expect(r.code, `${r.err}\n${r.out}`).toBe(0);
      const job = JSON.parse(r.out) as { id: string; state: string; summary: string };
      expect(job.state).toBe('succeeded');
      A.figures.push({ job: `restore in-place ${c.server.name}`, seconds, summary: job.summary });
      expect(job.summary).toMatch(new RegExp(`^inplace-\\S+ \\(${c.server.id}\\) restored in place from .*, verified; ACTIVE\\.$`));

      // the job's own count of what it wrote, per disk (its log), against what the guest changed
      const logged = [...r.err.matchAll(/Disk (\w+): .* \((\d+) bytes\) written/g)].map((m) => ({ disk: m[1]!, bytes: Number(m[2]) }));
      const written = logged.reduce((n, l) => n + l.bytes, 0);
      console.log(`${c.server.name}: ${changed} bytes changed, ${written} written (${(written / changed).toFixed(3)}x), ${seconds} s`);
      expect(logged.map((l) => l.disk).sort()).toEqual(c.disks);
      expect(written).toBeGreaterThanOrEqual(changed);
      expect(written).toBeLessThanOrEqual(1.1 * changed);

      // byte-identical: each disk as the hypervisor reads it, against the restore point restored here
      const live = (await dumpDomain(c.ssh, domain)).disks;
      for (const disk of c.disks) {
        const d = live.find((x) => x.target === disk)!;
        const there = await remoteDiskSha256(c.ssh, d.source, d.format ?? 'raw');
        expect(there, `${c.server.name} ${disk}`).toBe(await pointSha(backups[i]!, disk));
      }
      const back = await waitServer(os, c.server.id, 'ACTIVE');
      expect(back.status).toBe('ACTIVE');
    }
  });
});
