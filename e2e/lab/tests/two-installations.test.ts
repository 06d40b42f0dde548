// Several installations, one cloud (issue 18): two Backstacks (two BACKSTACK_HOMEs) back up the
// same running instance (qcow2 on _base on lab-kvm-1 + an attached RBD volume) alternately.
// Neither merges nor removes the other's kept snapshot; every restore point of both restores
// byte-identical to the disk at its snapshot time; the logs say why a backup was full; each
// releases its own snapshots at the end.
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
 * A backup whose file-disk overlay is merged back at its end (another installation's overlay
 * is in the chain): the frozen image is hashed on the hypervisor by a post-snapshot command,
 * while it is still frozen.
 */
async function backupHashingFrozen(i: Installation, frozen: string, mode: 'auto' | 'incremental') {
  const sumFile = `/tmp/bsk-two-${suffix}-${i.name}-${Date.now()}`;
  const script = 'qemu-img convert -U -O raw -f qcow2 "$1" "$2.raw" && sha256sum < "$2.raw" | cut -d" " -f1 > "$2"; rm -f "$2.raw"';
  const r = await runJob(i, 'backups.start', { providerId: i.providerId, instanceId: server.id, mode, postSnapshot: { where: 'hypervisor', argv: ['sh', '-c', script, 'sh', frozen, sumFile], timeoutSeconds: 300 } });
  const sha = (await ssh.run(['cat', '--', sumFile]).catch(() => '')).trim();
  await ssh.run(['rm', '-f', '--', sumFile]);
  return { ...r, frozenSha: sha };
}

/** A: an incremental from its own kept overlay and RBD snapshot, B's RBD snapshot beside it untouched. */
async function incrementalOfA(parent: Manifest, bKept: string, pattern: number, atMiB: number): Promise<Manifest> {
  await guestWrite(ssh, domain(), 'vda', pattern, `${atMiB}M`, '64k');
  await guestWrite(ssh, domain(), 'vdb', pattern + 1, `${atMiB / 2}M`, '128k');
  const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'incremental' });
  expect(job.state, log.join('\n')).toBe('succeeded');
  const m = await manifestOf(A, job.summary);
  expect(m.source.backupKind).toBe('incremental');
  expect(m.parent).toBe(parent.id);
  expect(m.disks.every((d) => d.usedChangedExtents)).toBe(true);
  expect((m.metadata.libvirt as { transferredBytes: number }).transferredBytes).toBeLessThan(16 * 1024 * 1024);
  expect(log.some((l) => l.includes(`RBD snapshot backstack-${bKept}: installation ${B.id} keeps`))).toBe(true);
  const kept = keptOf(m)!;
  expect(kept.disks.sort()).toEqual(['vda', 'vdb']);
  expect(await state()).toEqual({ overlays: [overlay(kept.token)], rbdSnaps: [rbdSnap(bKept), rbdSnap(kept.token)].sort(), nbd: [] });
  // the kept overlay on top: Nova's file is frozen at the snapshot
  await expectRestores(A, m, { vda: await remoteDiskSha256(ssh, { kind: 'file', path: join(dir(), 'disk') }, 'qcow2'), vdb: await rbdSum(kept.token) });
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

  it('A: full; its overlay and RBD snapshot are named after A and the job', async () => {
    expect(A.id).toMatch(/^[0-9a-f]{12}$/);
    expect(B.id).not.toBe(A.id);
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'auto' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(A, job.summary);
    const kept = keptOf(m)!;
    expect(kept.token).toMatch(new RegExp(`^${A.id}-${job.id.slice(0, 8)}-\\d{14}[0-9a-z]{4}$`));
    expect(kept.disks.sort()).toEqual(['vda', 'vdb']);
    expect(await state()).toEqual({ overlays: [overlay(kept.token)], rbdSnaps: [rbdSnap(kept.token)], nbd: [] });
    // the kept overlay on top: Nova's file is frozen at the snapshot
    await expectRestores(A, m, { vda: await remoteDiskSha256(ssh, { kind: 'file', path: join(dir(), 'disk') }, 'qcow2'), vdb: await rbdSum(kept.token) });
    a.push(m);
  });

  it('B: full, leaving A\'s overlay and RBD snapshot alone, and says why', async () => {
    await guestWrite(ssh, domain(), 'vda', 0x61, '8M', '64k');
    await guestWrite(ssh, domain(), 'vdb', 0x62, '4M', '128k');
    const aKept = keptOf(a[0]!)!.token;
    const { job, log, frozenSha } = await backupHashingFrozen(B, overlay(aKept), 'auto');
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`Disk vda: overlay disk.bsk-${aKept}: installation ${A.id} keeps a snapshot of this disk since ${tokenTime(aKept)} (job ${aKept.split('-')[1]}); left as it is.`);
    expect(log.some((l) => l.startsWith(`Disk vda: full backup, because no snapshot was kept by a previous backup, and installation ${A.id} keeps a snapshot of this disk since`))).toBe(true);
    expect(log.some((l) => l.startsWith('Disk vda: this backup\'s snapshot is merged back afterwards, not kept'))).toBe(true);
    expect(log.some((l) => /Repairing|interrupted/.test(l))).toBe(false);
    const m = await manifestOf(B, job.summary);
    expect(m.source.backupKind).toBe('full');
    const kept = keptOf(m)!;
    expect(kept.token.startsWith(`${B.id}-`)).toBe(true);
    expect(kept.disks).toEqual(['vdb']); // the RBD snapshot is B's own; the file overlay was merged into A's
    // B read the image A's overlay froze at B's snapshot (A's overlay over Nova's file)
    expect((m.metadata.libvirt as { disks: { target: string; chain: { file: string }[] }[] }).disks.find((d) => d.target === 'vda')!.chain[0]!.file).toBe(overlay(aKept));
    expect(await state()).toEqual({ overlays: [overlay(aKept)], rbdSnaps: [rbdSnap(aKept), rbdSnap(kept.token)].sort(), nbd: [] });
    await expectRestores(B, m, { vda: frozenSha, vdb: await rbdSum(kept.token) });
    b.push(m);
  });

  it('A: incremental from its own overlay and RBD snapshot, B\'s RBD snapshot untouched', async () => {
    a.push(await incrementalOfA(a[0]!, keptOf(b[0]!)!.token, 0x63, 16));
  });

  it('B: the file disk in full again (A keeps its overlay), the RBD disk incremental from B\'s own snapshot', async () => {
    await guestWrite(ssh, domain(), 'vda', 0x65, '24M', '64k');
    await guestWrite(ssh, domain(), 'vdb', 0x66, '12M', '128k');
    const aKept = keptOf(a[1]!)!.token;
    const bPrev = keptOf(b[0]!)!.token;
    const { job, log, frozenSha } = await backupHashingFrozen(B, overlay(aKept), 'auto');
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.some((l) => l.startsWith(`Disk vda: full backup, because no snapshot was kept by a previous backup, and installation ${A.id} keeps a snapshot of this disk since ${tokenTime(aKept)}`))).toBe(true);
    const m = await manifestOf(B, job.summary);
    expect(m.source.backupKind).toBe('incremental');
    expect(m.parent).toBe(b[0]!.id);
    const plan = (m.metadata.libvirt as { disks: { target: string; incremental: boolean }[] }).disks;
    expect(plan.map((d) => [d.target, d.incremental])).toEqual([['vda', false], ['vdb', true]]);
    const kept = keptOf(m)!;
    expect(await state()).toEqual({ overlays: [overlay(aKept)], rbdSnaps: [rbdSnap(aKept), rbdSnap(kept.token)].sort(), nbd: [] });
    expect((await state()).rbdSnaps).not.toContain(rbdSnap(bPrev));
    await expectRestores(B, m, { vda: frozenSha, vdb: await rbdSum(kept.token) });
    b.push(m);
  });

  it('A: incremental again; then each releases its own snapshots only, and the next backup would be full', async () => {
    const bKept = keptOf(b[1]!)!.token;
    a.push(await incrementalOfA(a[1]!, bKept, 0x67, 32));

    const relA = unwrap(await A.core.api.invoke('backups.releaseSnapshot', { providerId: A.providerId, instanceId: server.id }));
    expect(relA).toMatchObject({ instanceId: server.id, host: 'lab-kvm-1', nextBackupFull: true });
    expect(relA.released).toHaveLength(2);
    expect(relA.others).toEqual([expect.stringContaining(`RBD snapshot backstack-${bKept}: installation ${B.id} keeps`)]);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [rbdSnap(bKept)], nbd: [] });
    const relB = unwrap(await B.core.api.invoke('backups.releaseSnapshot', { providerId: B.providerId, instanceId: server.id }));
    expect(relB.released).toEqual([expect.stringContaining(`RBD snapshot backstack-${bKept}`)]);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [], nbd: [] });
    // A's next backup is full, and says why; with keepSnapshot false it leaves nothing behind
    const next = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, mode: 'auto', keepSnapshot: false });
    expect(next.job.state, next.log.join('\n')).toBe('succeeded');
    expect((await manifestOf(A, next.job.summary)).source).toMatchObject({ backupKind: 'full', kept: null });
    expect(next.log.filter((l) => l.includes('full backup, because the snapshot kept by the last backup is gone')).length, next.log.join('\n')).toBe(1);
    expect(next.log.some((l) => l.includes('RBD snapshot backstack-') && l.includes('kept by the last backup is gone'))).toBe(true);
    expect(await state()).toEqual({ overlays: [], rbdSnaps: [], nbd: [] });
  });
});

/** A token's time as the log writes it. */
function tokenTime(token: string): string {
  const d = token.split('-')[2]!;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)} UTC`;
}
