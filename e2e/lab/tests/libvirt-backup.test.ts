// The libvirt strategy (issue 6) against the lab's real KVM hosts, Nova, Cinder and Ceph:
// full then incremental backups of running servers (qcow2 on _base + an RBD volume on
// lab-kvm-1, a raw disk on lab-kvm-2), data written in the guest disks between them, restored
// disks compared by checksum with the disks at snapshot time, a restore through Nova, cancel
// and a dropped SSH connection leaving the hosts clean.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/domain/jobs';
import { createCore, type Core } from '../../../electron/core/create-core';
import { createLogger } from '../../../electron/lib/logger';
import { keyFileProtector } from '../../../electron/lib/secret-box';
import { fileSink, findBackup, restoreDisk, type Manifest } from '../../../electron/engine';
import { releaseSnapshots } from '../../../electron/transfer/libvirt-ssh/release';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import { dumpDomain } from '../../../electron/transfer/libvirt-ssh/snapshot-ops';
import type { SshSession } from '../../../electron/transfer/libvirt-ssh/ssh';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, connect, createServer, createVolume, deleteServer, deleteVolume, guestWrite, leftovers, staleNbdFiles } from './support/guests';
import { until } from './support/lab';
import type { Server } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};
const sha256File = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

let os: Session;
let core: Core;
let home: string;
let providerId: string;
let kvm1: Hypervisor;
let kvm2: Hypervisor;
let ssh1: SshSession;
let ssh2: SshSession;
let qcow: Server; // lab-kvm-1: qcow2 on _base + RBD volume
let raw: Server; // lab-kvm-2: raw file
let volumeId = '';
const figures: { job: string; seconds: number; summary: string | null }[] = [];
const serversToDelete: string[] = [];
const volumesToDelete: string[] = [];
const suffix = Date.now().toString(36);

async function runJob(name: 'backups.start' | 'restore.start', input: Record<string, unknown>, onStart?: (jobId: string) => void): Promise<{ job: Job; log: string[] }> {
  const started = performance.now();
  const { jobId } = unwrap(await core.api.invoke(name, input as never));
  onStart?.(jobId);
  await until(`job ${jobId}`, async () => ['succeeded', 'warning', 'failed', 'cancelled'].includes(core.jobs.get(jobId).state), { timeoutMs: 900_000, intervalMs: 250 });
  const log = unwrap(await core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
  figures.push({ job: `${name} ${core.jobs.get(jobId).state}`, seconds: Math.round((performance.now() - started) / 100) / 10, summary: core.jobs.get(jobId).summary });
  return { job: core.jobs.get(jobId), log };
}

async function manifestOf(jobSummary: string | null): Promise<Manifest> {
  const id = /backup (\S+\/\S+):/.exec(jobSummary ?? '')?.[1];
  if (!id) throw new Error(`no backup id in "${jobSummary}"`);
  const repo = await core.services.destinations.open(core.services.destinations.defaultDestination().id);
  try {
    const [group, time] = [id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)];
    return await findBackup(repo, group, time);
  } finally {
    await repo.close();
  }
}

/** sha256 of a disk restored from the repository to a local file. */
async function restoredSha(m: Manifest, disk: string): Promise<string> {
  const repo = await core.services.destinations.open(core.services.destinations.defaultDestination().id);
  const file = join(home, `${disk}-${Date.now()}.raw`);
  try {
    await restoreDisk(repo, { group: m.group, backup: m.time, disk, sink: fileSink(file) });
    return sha256File(file);
  } finally {
    rmSync(file, { force: true });
    await repo.close();
  }
}

const fingerprint = (hv: Hypervisor) => (hv.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint as string;
const domainOf = (s: Server) => s['OS-EXT-SRV-ATTR:instance_name'];
const keptToken = (m: Manifest) => (m.source.kept as { token: string }).token;
const diskDir = (s: Server, hv: Hypervisor) => join(hv.instancesPath, s.id);
const rbdImage = () => `volumes/volume-${volumeId}`;

/**
 * Runs a backup with the guest paused, so that its file disks, which keep nothing on the host
 * after the backup, still hold exactly what the snapshot froze when snapshotSums reads them.
 */
async function whilePaused<T>(s: Server, ssh: SshSession, fn: () => Promise<T>): Promise<T> {
  await ssh.run(['virsh', 'suspend', '--domain', domainOf(s)]);
  try {
    return await fn();
  } finally {
    await ssh.run(['virsh', 'resume', '--domain', domainOf(s)]);
  }
}

/** Checksums of the disks exactly as they were at the snapshot (taken while the guest was paused: whilePaused). */
async function snapshotSums(m: Manifest, s: Server, hv: Hypervisor, ssh: SshSession): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const disks = (m.metadata.libvirt as { disks: { target: string; kind: string; path?: string; format: string; pool?: string; image?: string }[] }).disks;
  for (const d of disks) {
    // Nova's file as the paused guest left it; RBD through the snapshot the backup kept.
    out[d.target] =
      d.kind === 'file'
        ? await remoteDiskSha256(ssh, { kind: 'file', path: join(diskDir(s, hv), 'disk') }, d.format)
        : await remoteDiskSha256(ssh, { kind: 'rbd', pool: d.pool as string, image: d.image as string, snapshot: null, user: 'cinder' }, 'raw', `backstack-${keptToken(m)}`);
  }
  return out;
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  [kvm1, kvm2] = ['lab-kvm-1', 'lab-kvm-2'].map((h) => loadHypervisors().find((x) => x.host === h)!) as [Hypervisor, Hypervisor];
  home = mkdtempSync(join(tmpdir(), 'backstack-lab-libvirt-'));
  core = createCore({ dataDir: home, runtime: 'cli', version: 'lab', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home) });
  providerId = unwrap(
    await core.api.invoke('providers.add', {
      provider: { name: 'lab', authUrl: cloud.authUrl, authDomains: [{ name: cloud.userDomain.name ?? 'Default', userName: cloud.username, password: cloud.password, ...(cloud.project.name ? { defaultProject: cloud.project.name } : {}) }] },
    }),
  ).id;
  await core.services.destinations.create({ name: 'lab', path: join(home, 'repo') });
  ssh1 = await connect(kvm1);
  ssh2 = await connect(kvm2);
  [qcow, raw] = await Promise.all([
    createServer(os, { name: `bsk-libvirt-qcow-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' }),
    createServer(os, { name: `bsk-libvirt-raw-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net', zone: 'raw' }),
  ]);
  serversToDelete.push(qcow.id, raw.id);
  volumeId = await createVolume(os, `bsk-libvirt-data-${suffix}`, 1);
  volumesToDelete.push(volumeId);
  await attachVolume(os, qcow.id, volumeId);
}, 900_000);

afterAll(async () => {
  console.log(`libvirt jobs:\n${figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  // Our snapshots first: Cinder cannot delete a volume that still has RBD snapshots.
  for (const [ssh, s] of [[ssh1, qcow], [ssh2, raw]] as const) if (ssh && s) await releaseSnapshots(ssh, domainOf(s), { installation: core.catalog.installationId(), isJobRunning: () => false }).catch(() => undefined);
  // Servers before volumes: a volume is deleted once its server let go of it.
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  for (const id of volumesToDelete) await deleteVolume(os, id).catch(warn);
  ssh1?.close();
  ssh2?.close();
  await core?.close();
  rmSync(home, { recursive: true, force: true });
}, 900_000);

describe('SSH to the hypervisors', () => {
  it('saves the settings sealed, pins the host key on first use and refuses another one', async () => {
    for (const hv of [kvm1, kvm2]) {
      const r = unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: hv.host, address: hv.ssh.address, port: hv.ssh.port, user: hv.ssh.user, privateKey: readFileSync(hv.ssh.keyPath, 'utf8') }));
      expect(r.ssh.hostKey).toBeNull();
    }
    const listed = JSON.stringify(unwrap(await core.api.invoke('hypervisors.list', { providerId })));
    expect(listed).not.toContain('PRIVATE KEY');
    // The other host's key pinned for lab-kvm-1: the connection is refused, naming both keys.
    const fp2 = (kvm2.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint!;
    unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: kvm1.host, address: kvm1.ssh.address, port: kvm1.ssh.port, user: kvm1.ssh.user, privateKey: readFileSync(kvm1.ssh.keyPath, 'utf8'), hostKey: `ssh-ed25519 ${fp2}` }));
    const { job } = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'full' });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('ssh.hostKeyChanged');
    expect(job.error?.message).toContain(fp2);
    expect(job.error?.message).toContain((kvm1.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint!);
    // Re-saving the same address keeps a pin: give the right one.
    unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: kvm1.host, address: kvm1.ssh.address, port: kvm1.ssh.port, user: kvm1.ssh.user, privateKey: readFileSync(kvm1.ssh.keyPath, 'utf8'), hostKey: fingerprint(kvm1) }));
  });

  it('passes names with spaces, quotes, $() and ; to the hypervisor as single arguments', async () => {
    const nasty = ["a b", "it's", '"q"', '$(touch /tmp/bsk-pwned)', '`id`', 'x; touch /tmp/bsk-pwned', 'nl\nx', ''];
    const out = await ssh1.run(['printf', '%s\\0', ...nasty]);
    expect(out.split('\0').slice(0, -1)).toEqual(nasty);
    const dir = `/tmp/bsk dir 'q' $(touch bsk-pwned); x ${suffix}`;
    await ssh1.run(['mkdir', '-p', dir]);
    await ssh1.run(['qemu-img', 'create', '-q', '-f', 'qcow2', `${dir}/d;isk $(x).qcow2`, '1M']);
    expect(await remoteDiskSha256(ssh1, { kind: 'file', path: `${dir}/d;isk $(x).qcow2` }, 'qcow2')).toBe(createHash('sha256').update(Buffer.alloc(1024 * 1024)).digest('hex'));
    await ssh1.run(['rm', '-rf', '--', dir]);
    expect(await ssh1.run(['sh', '-c', 'ls /tmp/bsk-pwned ~/bsk-pwned bsk-pwned 2>/dev/null || true'])).toBe('');
  });
});

describe('full, then incremental backups', () => {
  const backups: Record<string, Manifest[]> = {};

  it('takes a full backup of the qcow2 + RBD server, byte-identical to the disks at snapshot time', async () => {
    const { job, log, sums } = await whilePaused(qcow, ssh1, async () => {
      const r = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'auto' });
      return { ...r, sums: r.job.state === 'succeeded' ? await snapshotSums(await manifestOf(r.job.summary), qcow, kvm1, ssh1) : ({} as Record<string, string>) };
    });
    expect(job.state, log.join('\n')).toBe('succeeded');
    // a paused guest stays paused: nothing resumes it behind its owner's back
    expect(log.some((l) => l.startsWith('Pausing the guest'))).toBe(false);
    // key authentication: the disks stream through OpenSSH (openssh-forward.ts), pinned to the same host key
    expect(log.filter((l) => /^Disk vd[ab] .*, read through OpenSSH\.$/.test(l))).toHaveLength(2);
    const m = await manifestOf(job.summary);
    expect(m.source).toMatchObject({ kind: 'instance', providerId, resourceId: qcow.id, backupKind: 'full', strategy: 'libvirt-ssh', host: 'lab-kvm-1', instanceName: domainOf(qcow), instanceState: 'paused' });
    expect(m.disks.map((d) => d.name).sort()).toEqual(['vda', 'vdb']);
    expect((m.metadata.nova as { server: { id: string } }).server.id).toBe(qcow.id);
    expect((m.metadata.cinder as { volumes: { id: string }[] }).volumes.map((v) => v.id)).toEqual([volumeId]);
    expect((m.metadata.neutron as { ports: { fixedIps: unknown[] }[] }).ports[0]!.fixedIps.length).toBeGreaterThan(0);
    expect((await ssh1.run(['virsh', 'domstate', '--domain', domainOf(qcow)])).trim()).toBe('running');
    for (const d of ['vda', 'vdb']) expect(await restoredSha(m, d), d).toBe(sums[d]);
    backups.qcow = [m];
  });

  it('backs up only what the guest wrote since, and the incremental restores byte-identical', async () => {
    await guestWrite(ssh1, domainOf(qcow), 'vda', 0x77, '8M', '64k');
    await guestWrite(ssh1, domainOf(qcow), 'vdb', 0x78, '4M', '128k');
    const { job, log, sums } = await whilePaused(qcow, ssh1, async () => {
      const r = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'incremental' });
      return { ...r, sums: r.job.state === 'succeeded' ? await snapshotSums(await manifestOf(r.job.summary), qcow, kvm1, ssh1) : ({} as Record<string, string>) };
    });
    expect(job.state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(job.summary);
    expect(m.source.backupKind).toBe('incremental');
    // vda, a file, found its changes by block digests hashed on the host; vdb by the kept RBD snapshot
    expect(log.find((l) => l.startsWith('Disk vda ('))).toMatch(/: incremental, [\d.]+ (KiB|MiB) changed of/);
    expect(m.parent).toBe(backups.qcow![0]!.id);
    expect(m.disks.every((d) => d.usedChangedExtents)).toBe(true);
    const moved = (m.metadata.libvirt as { transferredBytes: number }).transferredBytes;
    expect(moved).toBeGreaterThanOrEqual(64 * 1024 + 128 * 1024);
    expect(moved).toBeLessThan(8 * 1024 * 1024); // the booting guest writes a little too
    for (const d of ['vda', 'vdb']) expect(await restoredSha(m, d), d).toBe(sums[d]);
    backups.qcow!.push(m);
    // nothing stays on the file disk (Nova's next power-on would drop it); the RBD disk keeps its snapshot
    const left = await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()]);
    expect(left.overlays).toEqual([]);
    expect(m.source.kept).toEqual({ token: keptToken(m), disks: ['vdb'] });
    expect(left.rbdSnaps).toEqual([`${rbdImage()}@backstack-${keptToken(m)}`]);
    expect(left.nbd).toEqual([]);
    const list = unwrap(await core.api.invoke('backups.list', { resourceId: qcow.id })).items;
    expect(list.map((b) => [b.id, b.kind])).toEqual([[m.id, 'incremental'], [backups.qcow![0]!.id, 'full']]);
  });

  it('does the same for a raw disk on the other host, its incremental over the direct TLS transfer', async () => {
    const full = await whilePaused(raw, ssh2, async () => {
      const r = await runJob('backups.start', { providerId, instanceId: raw.id, mode: 'auto' });
      return { ...r, sums: r.job.state === 'succeeded' ? await snapshotSums(await manifestOf(r.job.summary), raw, kvm2, ssh2) : ({} as Record<string, string>) };
    });
    expect(full.job.state, full.log.join('\n')).toBe('succeeded');
    const m1 = await manifestOf(full.job.summary);
    // lab-kvm-2's key was pinned by this first connection
    expect(unwrap(await core.api.invoke('hypervisors.list', { providerId })).items.find((h) => h.hostname === 'lab-kvm-2')?.ssh.hostKey).toBe(`ssh-ed25519 ${fingerprint(kvm2)}`);
    expect((m1.metadata.libvirt as { disks: { format: string }[] }).disks[0]!.format).toBe('raw');
    expect(await restoredSha(m1, 'vda')).toBe(full.sums.vda);
    await guestWrite(ssh2, domainOf(raw), 'vda', 0x79, '16M', '256k');
    // From now on lab-kvm-2's disks travel directly: qemu-nbd over TLS on the lab's forwarded ports.
    const direct = unwrap(
      await core.api.invoke('hypervisors.setSsh', {
        providerId, hostname: kvm2.host, address: kvm2.ssh.address, port: kvm2.ssh.port, user: kvm2.ssh.user, privateKey: readFileSync(kvm2.ssh.keyPath, 'utf8'),
        transfer: 'direct', transferPorts: [16000, 16003],
      }),
    );
    expect(direct.ssh.transfer).toEqual({ kind: 'direct', address: null, ports: [16000, 16003] });
    const inc = await whilePaused(raw, ssh2, async () => {
      const r = await runJob('backups.start', { providerId, instanceId: raw.id, mode: 'auto' });
      return { ...r, sums: r.job.state === 'succeeded' ? await snapshotSums(await manifestOf(r.job.summary), raw, kvm2, ssh2) : ({} as Record<string, string>) };
    });
    expect(inc.job.state, inc.log.join('\n')).toBe('succeeded');
    expect(inc.log.some((l) => l.includes('directly over TLS'))).toBe(true);
    const m2 = await manifestOf(inc.job.summary);
    expect(m2.source.backupKind).toBe('incremental');
    expect(await restoredSha(m2, 'vda')).toBe(inc.sums.vda);
    const moved = (m2.metadata.libvirt as { transferredBytes: number }).transferredBytes;
    expect(moved).toBeGreaterThanOrEqual(256 * 1024);
    expect(moved).toBeLessThan(8 * 1024 * 1024);
    const left = await leftovers(ssh2, diskDir(raw, kvm2), []);
    expect(left.overlays).toEqual([]);
    expect(m2.source.kept).toBeNull();
    expect(left.nbd).toEqual([]);
    // the transfer's key folder went with its server
    expect(await staleNbdFiles(ssh2)).toEqual([]);
    backups.raw = [m1, m2];
  });

  it('runs pre/post snapshot commands; a failing pre command fails the backup and leaves the host as it was', async () => {
    const marker = `/tmp/bsk-hook-${suffix}`;
    const ok = await runJob('backups.start', {
      providerId, instanceId: raw.id,
      preSnapshot: { where: 'hypervisor', argv: ['touch', marker], timeoutSeconds: 30 },
      postSnapshot: { where: 'hypervisor', argv: ['rm', '--', marker], timeoutSeconds: 30 },
    });
    expect(ok.job.state, ok.log.join('\n')).toBe('succeeded');
    expect(ok.log.some((l) => l.startsWith('pre-snapshot command on the hypervisor done'))).toBe(true);
    expect(ok.log.some((l) => l.startsWith('post-snapshot command on the hypervisor done'))).toBe(true);
    const before = await leftovers(ssh2, diskDir(raw, kvm2), []);
    const failed = await runJob('backups.start', {
      providerId, instanceId: raw.id,
      preSnapshot: { where: 'hypervisor', argv: ['false'], timeoutSeconds: 30 },
      postSnapshot: { where: 'hypervisor', argv: ['touch', marker], timeoutSeconds: 30 },
    });
    expect(failed.job.state).toBe('failed');
    expect(failed.log.some((l) => l.startsWith('post-snapshot command on the hypervisor done'))).toBe(true); // post always runs
    expect(await leftovers(ssh2, diskDir(raw, kvm2), [])).toEqual(before);
    const goOn = await runJob('backups.start', {
      providerId, instanceId: raw.id,
      preSnapshot: { where: 'hypervisor', argv: ['sleep', '30'], timeoutSeconds: 1, continueOnError: true },
    });
    expect(goOn.job.state, goOn.log.join('\n')).toBe('warning');
    expect(goOn.log.some((l) => /did not finish within 1 s.*continuing/.test(l))).toBe(true);
    await ssh2.run(['rm', '-f', '--', marker]);
  });

  it('runs pre/post snapshot commands inside the guest through its agent; a failing one fails the backup', async () => {
    const ok = await runJob('backups.start', {
      providerId, instanceId: raw.id,
      preSnapshot: { where: 'guest', argv: ['/bin/sync'], timeoutSeconds: 30 },
      postSnapshot: { where: 'guest', argv: ['/bin/sh', '-c', 'exit 0'], timeoutSeconds: 30 },
    });
    expect(ok.job.state, ok.log.join('\n')).toBe('succeeded');
    expect(ok.log).toContain('pre-snapshot command in the guest done.');
    expect(ok.log).toContain('post-snapshot command in the guest done.');
    const before = await leftovers(ssh2, diskDir(raw, kvm2), []);
    const failed = await runJob('backups.start', {
      providerId, instanceId: raw.id,
      preSnapshot: { where: 'guest', argv: ['/bin/sh', '-c', 'exit 3'], timeoutSeconds: 30 },
    });
    expect(failed.job.state).toBe('failed');
    expect(failed.job.error?.message).toBe('The pre-snapshot command in the guest exited with 3.');
    expect(await leftovers(ssh2, diskDir(raw, kvm2), [])).toEqual(before);
  });

  it('leaves the host as it was when cancelled mid-transfer; the next incremental still works', async () => {
    await guestWrite(ssh1, domainOf(qcow), 'vda', 0x55, '64M', '192M'); // enough to be caught mid-transfer
    const before = await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()]);
    let cancelled = false;
    const off = core.bus.on('jobs.progressed', ({ id, progress }) => {
      if (!cancelled && progress.phase.startsWith('Backing up disk') && progress.bytesDone > 0) {
        cancelled = true;
        core.jobs.cancel(id);
      }
    });
    const { job, log } = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'full' });
    off();
    expect(job.state, log.join('\n')).toBe('cancelled');
    await until('no qemu-nbd left', async () => (await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()])).nbd.length === 0, { timeoutMs: 60_000, intervalMs: 500 });
    expect(await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()])).toEqual(before);
  });

  it('leaves the host as it was when the SSH connection dies mid-transfer', async () => {
    // Route the hypervisor's SSH through a local proxy we can cut.
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((c) => {
      const up = net.connect(kvm1.ssh.port, kvm1.ssh.address);
      sockets.add(c);
      c.pipe(up).pipe(c);
      // a dead link: both directions go (sshd sees the connection reset)
      c.on('close', () => up.destroy());
      up.on('close', () => c.destroy());
      c.on('error', () => undefined);
      up.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    const key = readFileSync(kvm1.ssh.keyPath, 'utf8');
    unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: kvm1.host, address: '127.0.0.1', port, user: kvm1.ssh.user, privateKey: key, hostKey: (kvm1.ssh as { hostKeyFingerprint?: string }).hostKeyFingerprint! }));
    await guestWrite(ssh1, domainOf(qcow), 'vda', 0x56, '64M', '192M');
    const before = await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()]);
    let cut = false;
    const off = core.bus.on('jobs.progressed', ({ progress }) => {
      if (!cut && progress.phase.startsWith('Backing up disk') && progress.bytesDone > 0) {
        cut = true;
        for (const s of sockets) s.destroy(); // the connection in use dies; cleanup opens a new one
      }
    });
    try {
      const { job, log } = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'full' });
      expect(cut).toBe(true);
      expect(job.state, log.join('\n')).toBe('failed');
      expect(job.error?.code).toBe('network.unreachable');
      await until('no qemu-nbd left', async () => (await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()])).nbd.length === 0, { timeoutMs: 60_000, intervalMs: 500 });
      expect(await leftovers(ssh1, diskDir(qcow, kvm1), [rbdImage()])).toEqual(before);
    } finally {
      off();
      proxy.close();
      unwrap(await core.api.invoke('hypervisors.setSsh', { providerId, hostname: kvm1.host, address: kvm1.ssh.address, port: kvm1.ssh.port, user: kvm1.ssh.user, privateKey: key }));
    }
    const again = await runJob('backups.start', { providerId, instanceId: qcow.id, mode: 'incremental' });
    expect(again.job.state, again.log.join('\n')).toBe('succeeded');
    expect((await manifestOf(again.job.summary)).source.backupKind).toBe('incremental');
  });

  it('leaves an excluded disk out of the backup and out of the snapshot', async () => {
    const { job, log, sums } = await whilePaused(qcow, ssh1, async () => {
      const r = await runJob('backups.start', { providerId, instanceId: qcow.id, excludeDisks: ['vdb'] });
      return { ...r, sums: r.job.state === 'succeeded' ? await snapshotSums(await manifestOf(r.job.summary), qcow, kvm1, ssh1) : ({} as Record<string, string>) };
    });
    expect(job.state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(job.summary);
    expect(m.disks.map((d) => d.name)).toEqual(['vda']);
    expect(log.find((l) => l.startsWith('Snapshot backstack-'))).toMatch(/taken of vda\.$/);
    expect(await restoredSha(m, 'vda')).toBe(sums.vda);
  });

  it('restores the qcow2 + RBD server through Nova: ACTIVE, every disk checked against the backup', async () => {
    const m = backups.qcow![1]!;
    const name = `bsk-restored-${suffix}`;
    const { job, log } = await runJob('restore.start', { backupId: m.id, name, verify: true });
    const serverId = /\(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (serverId) serversToDelete.push(serverId);
    const vol = log.map((l) => /^Volume (\S+) (?:\(.*\) )?created/.exec(l)?.[1]).find(Boolean);
    if (vol) volumesToDelete.push(vol);
    expect(job.state, log.join('\n')).toBe('succeeded');
    const expected = await Promise.all(['vda', 'vdb'].map((d) => restoredSha(m, d)));
    expect(log).toContain(`Disk vda: verified on the hypervisor, sha256 ${expected[0]}.`);
    expect(log).toContain(`Disk vdb: verified on the hypervisor, sha256 ${expected[1]}.`);
    const { server } = await os.request<{ server: Server }>('compute', `/servers/${serverId}`, { microversion: '2.79' });
    expect(server.status).toBe('ACTIVE');
    expect(server.name).toBe(name);
    expect(server['os-extended-volumes:volumes_attached'].map((v) => v.id)).toEqual([vol]);
    // the original's volume was attached to stay when its server goes: so is the restored one
    expect((server['os-extended-volumes:volumes_attached'] as { delete_on_termination?: boolean }[])[0]!.delete_on_termination).toBe(false);
  });

  it('restores the raw server by defining the domain on its hypervisor (over the direct TLS transfer), under a name full of shell metacharacters', async () => {
    const m = backups.raw![1]!;
    const name = `bsk 'restored' $(touch bsk-pwned); "${suffix}"`;
    const { job, log } = await runJob('restore.start', { backupId: m.id, target: 'libvirt', name, verify: true });
    const dir = log.map((l) => /^Writing vda into (.*)\/vda\.qcow2\.$/.exec(l)?.[1]).find(Boolean);
    try {
      expect(job.state, log.join('\n')).toBe('succeeded');
      // lab-kvm-2 was set to the direct transfer above: the restore writes that way too
      expect(log.some((l) => l.includes('directly over TLS'))).toBe(true);
      expect(await staleNbdFiles(ssh2)).toEqual([]);
      expect((await ssh2.run(['virsh', 'domstate', '--domain', name])).trim()).toBe('running');
      const d = (await ssh2.run(['virsh', 'domblklist', '--domain', name])).split('\n').find((l) => l.trim().startsWith('vda'));
      expect(d).toContain(`${dir}/vda.qcow2`);
      // checked before the domain started (it boots and writes to its disk at once)
      expect(log).toContain(`Disk vda: verified on the hypervisor, sha256 ${await restoredSha(m, 'vda')}.`);
      expect(await ssh2.run(['sh', '-c', 'ls bsk-pwned ~/bsk-pwned /tmp/bsk-pwned 2>/dev/null || true'])).toBe('');
    } finally {
      await ssh2.run(['virsh', 'destroy', '--domain', name]).catch(() => undefined);
      await ssh2.run(['virsh', 'undefine', '--domain', name]).catch(() => undefined);
      if (dir && dir.includes('backstack-restored-')) await ssh2.run(['rm', '-rf', '--', dir]);
    }
  });
});

describe('a shut-off instance', () => {
  const serverAction = (id: string, action: string) => os.request('compute', `/servers/${id}/action`, { method: 'POST', body: { [action]: null }, expect: [202] });
  const statusOf = async (id: string) => (await os.request<{ server: Server }>('compute', `/servers/${id}`, { microversion: '2.79' })).server;

  it('is backed up from its disk as it is, without a snapshot, incrementally by block digests; a start during the read fails the backup', async () => {
    // written after the running backups: Nova's stop and start (a hard reboot that rebuilds the
    // domain from Nova's own files) must keep it, which it would not if it sat in an overlay of ours
    await guestWrite(ssh2, domainOf(raw), 'vda', 0x7a, '100M', '64k');
    await serverAction(raw.id, 'os-stop');
    await until('the raw server SHUTOFF', async () => {
      const s = await statusOf(raw.id);
      return s.status === 'SHUTOFF' && !s['OS-EXT-STS:task_state'];
    }, { timeoutMs: 180_000, intervalMs: 1_000 });
    const nova = join(diskDir(raw, kvm2), 'disk');
    expect(await ssh2.run(['qemu-io', '-r', '-U', '-f', 'raw', '-c', 'read -P 0x7a 100M 64k', nova])).not.toMatch(/verification failed|error/i);
    const { job, log } = await runJob('backups.start', { providerId, instanceId: raw.id, mode: 'auto' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.some((l) => l.includes('is shut off: its file disks are read as they are'))).toBe(true);
    const m = await manifestOf(job.summary);
    expect(m.source).toMatchObject({ backupKind: 'incremental', kept: null, instanceState: 'shut off' });
    expect(log.find((l) => l.startsWith('Disk vda ('))).toMatch(/: incremental, /);
    // the disk as the instance left it: Nova's own file
    const d = (m.metadata.libvirt as { disks: { target: string; path: string; format: string }[] }).disks.find((x) => x.target === 'vda')!;
    expect(await restoredSha(m, 'vda')).toBe(await remoteDiskSha256(ssh2, { kind: 'file', path: d.path }, d.format));
    const left = await leftovers(ssh2, diskDir(raw, kvm2), []);
    expect(left.nbd).toEqual([]);
    expect((await ssh2.run(['virsh', 'domstate', '--domain', domainOf(raw)])).trim()).toBe('shut off');
    // started while its disk is read (here by the pre-snapshot command): the copy is refused
    const racing = await runJob('backups.start', { providerId, instanceId: raw.id, preSnapshot: { where: 'hypervisor', argv: ['virsh', 'start', '--domain', domainOf(raw)], timeoutSeconds: 60 } });
    expect(racing.job.state).toBe('failed');
    expect(racing.job.error?.message).toContain('was started while its disks were read');
    await ssh2.run(['virsh', 'destroy', '--domain', domainOf(raw)]);
    // Nova notices the domain stopped behind its back and powers the server off itself first.
    await until('Nova to settle the raw server as SHUTOFF', async () => {
      const s = await statusOf(raw.id);
      return s.status === 'SHUTOFF' && !s['OS-EXT-STS:task_state'];
    }, { timeoutMs: 180_000, intervalMs: 1_000 });
    await serverAction(raw.id, 'os-start');
    await until('the raw server ACTIVE again', async () => (await statusOf(raw.id)).status === 'ACTIVE', { timeoutMs: 180_000, intervalMs: 1_000 });
    const booted = (await dumpDomain(ssh2, domainOf(raw))).disks.find((x) => x.target === 'vda')!;
    expect(booted.source).toMatchObject({ kind: 'file', path: nova });
  });
});
