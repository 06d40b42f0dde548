// The disk-attachment strategy against the real Nova, Cinder (Ceph RBD) and the lab's proxy VM:
// a server of ours (image-booted) with a 1 GiB volume, backed up through temporary Cinder
// snapshots and volumes (its root disk through a Nova image made a volume) attached to
// `backstack-proxy` and read there (reached through lab-kvm-1 as jump host). The restore point
// equals the disks as the host and Ceph hold them; an incremental after the guest's backend
// wrote 1 MiB moves about that much; a boot-from-volume server's root volume is a boot disk; a
// restore through the proxy boots a server from its restored volumes; a lowered quota is refused before anything is created; nothing of Backstack's is left in Cinder.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskReader, type Manifest } from '../../../electron/engine';
import { hostKeyFingerprint } from '../../../electron/transfer/libvirt-ssh';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import { closeInstallation, manifestOf, openInstallation, restoredSha, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { attachVolume, connect, createServer, createVolume, deleteServer, deleteVolume, findByName, guestWrite, waitServer } from './support/guests';
import { until } from './support/lab';
import type { Server } from './support/nova';
import { loadHypervisors, loadProxy, type Hypervisor } from './support/ssh';

const root = join(__dirname, '..', '..', '..');
let os: Session;
let A: Installation;
let hv: Hypervisor;
let server: Server;
let volumeId: string;
const suffix = Date.now().toString(36);
const restored: string[] = [];
const restoredVolumes: string[] = [];

interface Marked {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
}
/** Cinder snapshots and volumes carrying this installation's mark, in every project (Cinder's snapshot list ignores a metadata filter: read all) */
async function ours(): Promise<string[]> {
  // temporaries only (named backstack-<job>-…): a restore's volumes carry the marks too, under their own names
  const mine = (x: Marked) => x.metadata?.backstack_installation === A.id && x.name.startsWith('backstack-');
  const v = (await os.request<{ volumes: Marked[] }>('volumev3', '/volumes/detail?all_tenants=1&limit=1000')).volumes.filter(mine);
  const s = (await os.request<{ snapshots: Marked[] }>('volumev3', '/snapshots/detail?all_tenants=1&limit=1000')).snapshots.filter(mine);
  return [...v.map((x) => `volume ${x.name} ${x.status}`), ...s.map((x) => `snapshot ${x.name} ${x.status}`)];
}
const serverAction = (id: string, action: string) => os.request('compute', `/servers/${id}/action`, { method: 'POST', body: { [action]: null }, expect: [202] });
const ourImages = async (): Promise<unknown[]> => (await os.request<{ images: unknown[] }>('image', `/v2/images?visibility=all&limit=500&backstack_installation=${A.id}`)).images;
const volumeSha = async () => {
  const ssh = await connect(hv);
  try {
    return await remoteDiskSha256(ssh, { kind: 'rbd', pool: 'volumes', image: `volume-${volumeId}`, snapshot: null, user: 'cinder' }, 'raw');
  } finally {
    ssh.close();
  }
};

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  const hypervisors = loadHypervisors();
  hv = hypervisors.find((h) => h.host === 'lab-kvm-1')!;
  A = await openInstallation('attach', cloud, hypervisors);
  const proxy = loadProxy();
  if (!proxy) throw new Error('no proxy.json: run e2e/lab/seed');
  const [type, b64] = proxy.hostKey.split(' ');
  const added = unwrap(
    await A.core.api.invoke('proxies.add', {
      providerId: A.providerId,
      server: proxy.server,
      address: proxy.address,
      user: proxy.user,
      privateKey: readFileSync(proxy.keyPath, 'utf8'),
      hostKey: hostKeyFingerprint(Buffer.from(b64!, 'base64')),
      viaHypervisor: proxy.jumpHost,
    }),
  );
  expect(type).toBe('ssh-ed25519');
  expect(added).toMatchObject({ serverId: proxy.id, serverName: 'backstack-proxy', viaHypervisor: 'lab-kvm-1' });
  server = await createServer(os, { name: `attach-it-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net', zone: 'nova' });
  volumeId = await createVolume(os, `attach-it-${suffix}`, 1);
  await attachVolume(os, server.id, volumeId);
}, 900_000);

afterAll(async () => {
  if (A) console.log(`disk attachment, jobs:\n${A.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  if (server) await deleteServer(os, server.id).catch(warn);
  for (const id of restored) await deleteServer(os, id).catch(warn);
  for (const id of restoredVolumes) await deleteVolume(os, id).catch(warn);
  if (volumeId) await deleteVolume(os, volumeId).catch(warn);
  await closeInstallation(A);
}, 900_000);

describe('disk attachment (Cinder volumes read on a proxy VM)', () => {
  let m1: Manifest;
  let m2: Manifest;

  it('tests the proxy: reached through its jump host with the pinned key, python3 there, the instance ACTIVE', async () => {
    const [p] = unwrap(await A.core.api.invoke('proxies.list', { providerId: A.providerId })).items;
    const t = unwrap(await A.core.api.invoke('proxies.test', { id: p!.id }));
    expect(t.problems).toEqual([]);
    expect(t).toMatchObject({ ok: true, serverStatus: 'ACTIVE', pinnedNow: false });
    expect(t.python).toMatch(/^3\.\d+/);
  });

  it('backs up a shut-off server: its image-backed root disk and its volume in the restore point as the host and Ceph hold them, nothing of ours left', async () => {
    await serverAction(server.id, 'os-stop');
    await waitServer(os, server.id, 'SHUTOFF');
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, strategy: 'disk-attachment' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.join('\n')).toMatch(/Strategy: disk attachment \(Cinder volumes read on a proxy VM\), as asked for this backup/);
    expect(log.join('\n')).toMatch(/Snapshots taken: Nova image \S+ \(vda\), Cinder snapshot \S+ \(vdb\)/);
    m1 = await manifestOf(A, job.summary);
    expect(m1.source).toMatchObject({ strategy: 'disk-attachment', backupKind: 'full' });
    expect(m1.disks.map((d) => d.name)).toEqual(['vda', 'vdb']);
    expect(await restoredSha(A, m1, 'vdb')).toBe(await volumeSha());
    const ssh = await connect(hv);
    try {
      expect(await restoredSha(A, m1, 'vda')).toBe(await remoteDiskSha256(ssh, { kind: 'file', path: join(hv.instancesPath, server.id, 'disk') }, 'qcow2'));
    } finally {
      ssh.close();
    }
    expect(await ours()).toEqual([]);
    expect(await ourImages()).toEqual([]);
  });

  it('backs up again after the guest wrote 1 MiB: incremental, about 1 MiB and the digests moved, the write in the restore point', async () => {
    await serverAction(server.id, 'os-start');
    const running = await waitServer(os, server.id, 'ACTIVE');
    const ssh = await connect(hv);
    try {
      await guestWrite(ssh, running['OS-EXT-SRV-ATTR:instance_name'], 'vdb', 0x5a, '64M', '1M');
    } finally {
      ssh.close();
    }
    await serverAction(server.id, 'os-stop');
    await waitServer(os, server.id, 'SHUTOFF');
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, strategy: 'disk-attachment' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    m2 = await manifestOf(A, job.summary);
    expect(m2.source).toMatchObject({ strategy: 'disk-attachment', backupKind: 'incremental' });
    const rec = m2.metadata.diskAttachment as { transferredBytes: number; disks: { target: string; bytesRead: number; incremental: boolean }[] };
    const changed = rec.disks.reduce((n, d) => n + d.bytesRead, 0);
    const digests = ((2 * 2 ** 30) / (64 * 1024)) * 32; // two 1 GiB disks
    console.log(`incremental: ${rec.disks.map((d) => `${d.target} ${d.bytesRead} bytes changed`).join(', ')}; ${rec.transferredBytes} bytes from the proxy (${digests} of them digests)`);
    expect(rec.disks.every((d) => d.incremental)).toBe(true);
    expect(rec.disks.find((d) => d.target === 'vdb')!.bytesRead).toBe(1 << 20);
    expect(rec.transferredBytes).toBeLessThanOrEqual(1.2 * changed + digests + 64 * 1024);
    expect(await restoredSha(A, m2, 'vdb')).toBe(await volumeSha());
    const repo = await A.core.services.destinations.open(A.core.services.destinations.defaultDestination().id);
    try {
      const reader = await openDiskReader(repo, { group: m2.group, backup: m2.time, disk: 'vdb' });
      expect((await reader.read(64 << 20, 1 << 20)).equals(Buffer.alloc(1 << 20, 0x5a))).toBe(true);
      await reader.close();
    } finally {
      await repo.close();
    }
    expect(await ours()).toEqual([]);
  });

  it('restores through the proxy: each disk a new volume written and read back there, the server booting from its root volume, ACTIVE', async () => {
    const { job, log } = await runJob(A, 'restore.start', { backupId: m2.id, name: `attach-it-restored-${suffix}`, verify: true });
    const restoredId = /Server \S+ \(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (restoredId) restored.push(restoredId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.join('\n')).toMatch(/Disks are written on the proxy backstack-proxy/);
    for (const disk of ['vda', 'vdb']) expect(log.join('\n')).toMatch(new RegExp(`Disk ${disk}: verified on the proxy, sha256 ${await restoredSha(A, m2, disk)}`));
    const { server: s } = await os.request<{ server: Server & { 'os-extended-volumes:volumes_attached': { id: string }[] } }>('compute', `/servers/${restoredId}`);
    expect(s.status).toBe('ACTIVE');
    expect(s.image).toBe(''); // boots from its restored root volume
    const volumes = s['os-extended-volumes:volumes_attached'].map((v) => v.id);
    restoredVolumes.push(...volumes);
    expect(volumes).toHaveLength(2);
    expect(await ours()).toEqual([]);
  });

  it('backs up a volume on its own and restores it as a new volume, byte for byte', async () => {
    const { jobId } = unwrap(await A.core.api.invoke('backups.startVolume', { providerId: A.providerId, volumeId }));
    await until(`job ${jobId}`, async () => ['succeeded', 'warning', 'failed'].includes(A.core.jobs.get(jobId).state), { timeoutMs: 900_000, intervalMs: 500 });
    const log = unwrap(await A.core.api.invoke('jobs.getLog', { id: jobId })).items.map((e) => e.message);
    expect(A.core.jobs.get(jobId).state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(A, A.core.jobs.get(jobId).summary);
    expect(m.group).toBe(volumeId);
    expect(m.source).toMatchObject({ kind: 'volume', strategy: 'disk-attachment', resourceId: volumeId });
    const sha = await restoredSha(A, m, 'volume');
    expect(sha).toBe(await volumeSha());
    expect(unwrap(await A.core.api.invoke('backups.list', { resourceId: volumeId })).items.map((b) => b.id)).toEqual([m.id]);

    const { job, log: restoreLog } = await runJob(A, 'restore.volume', { backupId: m.id, disk: 'volume', name: `attach-it-vol-${suffix}`, verify: true });
    const newId = /Volume \S+ \(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (newId) restoredVolumes.push(newId);
    expect(job.state, restoreLog.join('\n')).toBe('succeeded');
    expect(restoreLog.join('\n')).toContain(`Disk volume: verified on the proxy, sha256 ${sha}`);
    expect(await ours()).toEqual([]);
  });

  it("backs up a boot-from-volume server (running): its root volume is a boot disk, Cinder keeps nothing of ours", async () => {
    const bfv = await findByName<{ id: string; name: string }>(os, 'compute', '/servers?all_tenants=1&name=^demo-bfv-1$', 'servers', 'demo-bfv-1');
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: bfv.id, strategy: 'disk-attachment' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    const m = await manifestOf(A, job.summary);
    expect(m.disks.map((d) => d.name)).toEqual(['vda']);
    const repo = await A.core.services.destinations.open(A.core.services.destinations.defaultDestination().id);
    try {
      const reader = await openDiskReader(repo, { group: m.group, backup: m.time, disk: 'vda' });
      expect((await reader.read(510, 2)).toString('hex')).toBe('55aa'); // the MBR the guest boots from
      await reader.close();
    } finally {
      await repo.close();
    }
    expect(await ours()).toEqual([]);
  });

  it('a backup killed while its temporary volume is attached to the proxy leaves it; backstack cleanup detaches and deletes it and the snapshot', async () => {
    const cli = (args: string[]) => spawn(process.execPath, [join(root, 'bin', 'backstack.cjs'), ...args], { cwd: root, env: { ...process.env, BACKSTACK_HOME: A.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = cli(['backup', 'run', '--provider', 'lab', '--instance', server.id, '--strategy', 'disk-attachment']);
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    await until('a temporary volume on the proxy', async () => /attached to the proxy backstack-proxy; reading it there/.test(err), { timeoutMs: 600_000, intervalMs: 100 });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = await ours();
    expect(left.filter((l) => l.startsWith('volume ')), left.join('\n')).toHaveLength(1);
    expect(left.filter((l) => l.startsWith('snapshot ')), left.join('\n')).toHaveLength(1);
    const proxyAttachments = async () =>
      (await os.request<{ volumeAttachments: { volumeId: string }[] }>('compute', `/servers/${loadProxy()!.id}/os-volume_attachments`)).volumeAttachments.length;
    expect(await proxyAttachments()).toBe(1);

    const run = cli(['cleanup', '--provider', 'lab']);
    let out = '';
    run.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    run.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise((r) => run.once('exit', r));
    expect(code, out).toBe(0);
    // the interrupted job's own clean-up (queued when the CLI opened the catalog) may have come first
    expect(out).toMatch(/Deleted [12] leftover\(s\)|Nothing of this installation was left/);
    await until('Cinder to hold nothing of ours', async () => (await ours()).length === 0, { timeoutMs: 300_000, intervalMs: 2_000 });
    expect(await proxyAttachments()).toBe(0);
  });

  it('refuses before creating anything when the project has no room for the temporary snapshots, and says which quota', async () => {
    const project = os.projectId;
    const quota = (await os.request<{ quota_set: { snapshots: number } }>('volumev3', `/os-quota-sets/${project}?usage=false`)).quota_set;
    const used = (await os.request<{ quota_set: { snapshots: { in_use: number } } }>('volumev3', `/os-quota-sets/${project}?usage=true`)).quota_set.snapshots.in_use;
    await os.request('volumev3', `/os-quota-sets/${project}`, { method: 'PUT', body: { quota_set: { snapshots: used } } });
    try {
      const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, strategy: 'disk-attachment' });
      expect(job.state).toBe('failed');
      expect(log.join('\n')).toMatch(/Not enough Cinder quota for the temporary snapshots and volumes of this backup \(snapshots: 1 needed, 0 free of \d+\)/);
      expect(await ours()).toEqual([]);
    } finally {
      await os.request('volumev3', `/os-quota-sets/${project}`, { method: 'PUT', body: { quota_set: { snapshots: quota.snapshots } } });
    }
  });
});
