// Several installations, one cloud (issue 18): two Backstacks (two BACKSTACK_HOMEs) back up the
// same running instance (qcow2 on _base on lab-kvm-1 + an attached RBD volume) alternately.
// File disks keep nothing on the host (each installation finds their changes by the block
// digests kept in its own destination); RBD disks keep one snapshot per installation. Neither
// touches the other's; an overlay another installation left in the chain (as earlier versions
// kept) stays and is read through; every restore point restores byte-identical to the disk at its
// snapshot; each releases its own snapshots at the end.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../electron/engine';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import type { SshSession } from '../../../electron/transfer/libvirt-ssh/ssh';
import { closeInstallation, manifestOf, openInstallation, restoredSha, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, connect, createServer, createVolume, deleteServer, deleteVolume, guestWrite, leftovers } from './support/guests';
import type { Server } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

let os: Session;
let kvm1: Hypervisor;
let ssh: SshSession;
let A: Installation;
let B: Installation;
let server: Server;
let volumeId = '';
const suffix = Date.now().toString(36);
const serversToDelete: string[] = [];
const volumesToDelete: string[] = [];

const domain = () => server['OS-EXT-SRV-ATTR:instance_name'];
const dir = () => join(kvm1.instancesPath, server.id);
const rbdImage = () => `volumes/volume-${volumeId}`;
const overlay = (token: string) => join(dir(), `disk.bsk-${token}`);
const keptOf = (m: Manifest) => m.source.kept as { token: string; disks: string[] } | null;
const state = () => leftovers(ssh, dir(), [rbdImage()]);
const rbdSnap = (token: string) => `${rbdImage()}@backstack-${token}`;
const rbdSum = (token: string) => remoteDiskSha256(ssh, { kind: 'rbd', pool: 'volumes', image: `volume-${volumeId}`, snapshot: null, user: 'cinder' }, 'raw', `backstack-${token}`);
const sums: { who: string; kind: string; disk: string; bytes: number; sha: string }[] = [];

/**
 * A backup taken with the guest paused, and the checksum of vda as the guest sees it (the top of
 * its chain, `top`) read before it runs again: the file disk keeps no snapshot after the backup,
 * so this is the content the snapshot froze.
 */
async function pausedBackup(i: Installation, mode: 'auto' | 'incremental', top = join(dir(), 'disk'), extra: Record<string, unknown> = {}) {
  await ssh.run(['virsh', 'suspend', '--domain', domain()]);
  try {
    const r = await runJob(i, 'backups.start', { providerId: i.providerId, instanceId: server.id, mode, ...extra });
    return { ...r, vdaSha: await remoteDiskSha256(ssh, { kind: 'file', path: top }, 'qcow2') };
  } finally {
    await ssh.run(['virsh', 'resume', '--domain', domain()]);
  }
}

/** An incremental of `i` after new writes: vda by its own block digests, vdb from its own RBD snapshot; the other's snapshot untouched. */
async function incremental(i: Installation, other: Installation, parent: Manifest, otherKept: string, pattern: number, atMiB: number): Promise<Manifest> {
  await guestWrite(ssh, domain(), 'vda', pattern, `${atMiB}M`, '64k');
  await guestWrite(ssh, domain(), 'vdb', pattern + 1, `${atMiB / 2}M`, '128k');
  const { job, log, vdaSha } = await pausedBackup(i, 'incremental');
  expect(job.state, log.join('\n')).toBe('succeeded');
  const m = await manifestOf(i, job.summary);
  expect(m.source.backupKind).toBe('incremental');
  expect(m.parent).toBe(parent.id);
  expect(m.disks.every((d) => d.usedChangedExtents)).toBe(true);
  expect((m.metadata.libvirt as { transferredBytes: number }).transferredBytes).toBeLessThan(16 * 1024 * 1024);
  expect(log.find((l) => l.startsWith('Disk vda ('))).toMatch(/: incremental, /);
  expect(log.some((l) => l.includes(`RBD snapshot backstack-${otherKept}: installation ${other.id} keeps`))).toBe(true);
  const kept = keptOf(m)!;
  expect(kept.disks).toEqual(['vdb']);
  expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(otherKept), rbdSnap(kept.token)].sort(), nbd: [] });
  await expectRestores(i, m, { vda: vdaSha, vdb: await rbdSum(kept.token) });
  return m;
}

async function expectRestores(i: Installation, m: Manifest, expected: Record<string, string>) {
  for (const d of ['vda', 'vdb']) {
    expect(await restoredSha(i, m, d), `${i.name} ${m.id} ${d}`).toBe(expected[d]);
    sums.push({ who: i.name, kind: m.source.backupKind as string, disk: d, bytes: m.disks.find((x) => x.name === d)!.size, sha: expected[d]!.slice(0, 12) });
  }
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  kvm1 = loadHypervisors().find((x) => x.host === 'lab-kvm-1')!;
  [A, B] = await Promise.all([openInstallation('A', cloud, [kvm1]), openInstallation('B', cloud, [kvm1])]);
  ssh = await connect(kvm1);
  server = await createServer(os, { name: `bsk-two-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net' });
  serversToDelete.push(server.id);
  volumeId = await createVolume(os, `bsk-two-data-${suffix}`, 1);
  volumesToDelete.push(volumeId);
  await attachVolume(os, server.id, volumeId);
}, 900_000);

afterAll(async () => {
  for (const i of [A, B]) if (i) console.log(`installation ${i.name} (${i.id}) jobs:\n${i.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  console.log(`restored and compared:\n${sums.map((s) => `  ${s.who} ${s.kind.padEnd(11)} ${s.disk} ${s.bytes} bytes sha256 ${s.sha}…`).join('\n')}`);
  // Both installations' snapshots first: Cinder cannot delete a volume that still has RBD snapshots.
  for (const i of [A, B]) if (i && server) await i.core.api.invoke('backups.releaseSnapshot', { providerId: i.providerId, instanceId: server.id }).catch(() => undefined);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  for (const id of volumesToDelete) await deleteVolume(os, id).catch(warn);
  ssh?.close();
  await Promise.all([closeInstallation(A), closeInstallation(B)]);
}, 900_000);

describe('two installations back up the same instance alternately', () => {
  const a: Manifest[] = [];
  const b: Manifest[] = [];

  it('A: full; nothing stays on the file disk, its RBD snapshot is named after A and the job', async () => {
    expect(A.id).toMatch(/^[0-9a-f]{12}$/);
    expect(B.id).not.toBe(A.id);
    const { job, log, vdaSha } = await pausedBackup(A, 'auto');
    expect(job.state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(A, job.summary);
    const kept = keptOf(m)!;
    expect(kept.token).toMatch(new RegExp(`^${A.id}-${job.id.slice(0, 8)}-\\d{14}[0-9a-z]{4}$`));
    expect(kept.disks).toEqual(['vdb']);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(kept.token)], nbd: [] });
    await expectRestores(A, m, { vda: vdaSha, vdb: await rbdSum(kept.token) });
    a.push(m);
  });

  it('B: full, leaving A\'s RBD snapshot alone', async () => {
    await guestWrite(ssh, domain(), 'vda', 0x61, '8M', '64k');
    await guestWrite(ssh, domain(), 'vdb', 0x62, '4M', '128k');
    const aKept = keptOf(a[0]!)!.token;
    const { job, log, vdaSha } = await pausedBackup(B, 'auto');
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`Disk vdb: RBD snapshot backstack-${aKept}: installation ${A.id} keeps a snapshot of this disk since ${tokenTime(aKept)} (job ${aKept.split('-')[1]}); left as it is.`);
    expect(log.some((l) => /Repairing|interrupted|Cleaning up/.test(l))).toBe(false);
    const m = await manifestOf(B, job.summary);
    expect(m.source.backupKind).toBe('full');
    const kept = keptOf(m)!;
    expect(kept.token.startsWith(`${B.id}-`)).toBe(true);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(aKept), rbdSnap(kept.token)].sort(), nbd: [] });
    await expectRestores(B, m, { vda: vdaSha, vdb: await rbdSum(kept.token) });
    b.push(m);
  });

  it('A: incremental from its own digests and RBD snapshot, B\'s RBD snapshot untouched', async () => {
    a.push(await incremental(A, B, a[0]!, keptOf(b[0]!)!.token, 0x63, 16));
  });

  it('B: incremental too, both disks (the file disk by B\'s own digests)', async () => {
    b.push(await incremental(B, A, b[0]!, keptOf(a[1]!)!.token, 0x65, 24));
  });

  it('A: an overlay another installation left on the file disk stays, and is read through; its owner merges it', async () => {
    // what an earlier version of B kept: an external snapshot named after B, on top of Nova's file
    const bOld = `${B.id}-0badc0de-20261201000000abcd`;
    await ssh.run(['virsh', 'snapshot-create-as', '--domain', domain(), '--name', `backstack-${bOld}`, '--disk-only', '--atomic', '--no-metadata',
      '--diskspec', `vda,snapshot=external,file=${overlay(bOld)}`, '--diskspec', 'vdb,snapshot=no']);
    await guestWrite(ssh, domain(), 'vda', 0x69, '40M', '64k');
    const { job, log, vdaSha } = await pausedBackup(A, 'incremental', overlay(bOld));
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`Disk vda: overlay disk.bsk-${bOld}: installation ${B.id} keeps a snapshot of this disk since 2026-12-01 00:00:00 UTC (job 0badc0de); left as it is.`);
    const m = await manifestOf(A, job.summary);
    expect(log.find((l) => l.startsWith('Disk vda ('))).toMatch(/: incremental, /);
    // A read B's overlay over Nova's file, as the guest sees it, and merged its own into it
    expect((m.metadata.libvirt as { disks: { target: string; chain: { file: string }[] }[] }).disks.find((d) => d.target === 'vda')!.chain[0]!.file).toBe(overlay(bOld));
    const kept = keptOf(m)!;
    expect(await state()).toEqual({ overlays: [overlay(bOld)], rbdSnaps: [rbdSnap(keptOf(b[1]!)!.token), rbdSnap(kept.token)].sort(), nbd: [] });
    await expectRestores(A, m, { vda: vdaSha, vdb: await rbdSum(kept.token) });
    a.push(m);
    // B's next backup finds its own old overlay not kept, merges it back (no write lost) and goes on incrementally
    const { job: bJob, log: bLog, vdaSha: bSha } = await pausedBackup(B, 'auto');
    expect(bJob.state, bLog.join('\n')).toBe('succeeded');
    expect(bLog.some((l) => l.startsWith('Cleaning up what earlier runs of this installation left on the hypervisor: vda: overlay disk.bsk-' + bOld))).toBe(true);
    const mb = await manifestOf(B, bJob.summary);
    expect(mb.source.backupKind).toBe('incremental');
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(kept.token), rbdSnap(keptOf(mb)!.token)].sort(), nbd: [] });
    await expectRestores(B, mb, { vda: bSha, vdb: await rbdSum(keptOf(mb)!.token) });
    b.push(mb);
  });

  it('each releases its own snapshots only; the Ceph disk\'s next backup is full, the file disk\'s still incremental', async () => {
    const aKept = keptOf(a[a.length - 1]!)!.token;
    const bKept = keptOf(b[b.length - 1]!)!.token;
    const relA = unwrap(await A.core.api.invoke('backups.releaseSnapshot', { providerId: A.providerId, instanceId: server.id }));
    expect(relA).toMatchObject({ instanceId: server.id, host: 'lab-kvm-1', nextBackupFull: true });
    expect(relA.released).toEqual([expect.stringContaining(`RBD snapshot backstack-${aKept}`)]);
    expect(relA.others).toEqual([expect.stringContaining(`RBD snapshot backstack-${bKept}: installation ${B.id} keeps`)]);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(bKept)], nbd: [] });
    const relB = unwrap(await B.core.api.invoke('backups.releaseSnapshot', { providerId: B.providerId, instanceId: server.id }));
    expect(relB.released).toEqual([expect.stringContaining(`RBD snapshot backstack-${bKept}`)]);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [], nbd: [] });
    // with keepSnapshot false nothing stays behind
    const next = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'auto', keepSnapshot: false });
    expect(next.job.state, next.log.join('\n')).toBe('succeeded');
    expect((await manifestOf(A, next.job.summary)).source).toMatchObject({ backupKind: 'incremental', kept: null });
    expect(next.log.find((l) => l.startsWith('Disk vda ('))).toMatch(/: incremental, /);
    expect(next.log.some((l) => l.includes(`Disk vdb: full backup, because RBD snapshot backstack-${aKept} kept by the last backup is gone`))).toBe(true);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [], nbd: [] });
  });
});

/** A token's time as the log writes it. */
function tokenTime(token: string): string {
  const d = token.split('-')[2]!;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)} UTC`;
}
