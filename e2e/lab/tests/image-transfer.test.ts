// The image-transfer strategy against the real Nova and Glance: a lab server (our own, booted from
// the lab's image on lab-kvm-1) backed up twice through a Nova snapshot downloaded from Glance
// (the second stores little: the same chunks), the restore point equal to the server's disk,
// restored by uploading it to Glance and booting from it, and a backup killed while Nova makes its
// image cleaned up by `backstack cleanup`. Nothing of Backstack's is left in Glance.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSink, openDiskReader, restoreDisk, type Manifest } from '../../../electron/engine';
import { remoteDiskSha256 } from '../../../electron/transfer/libvirt-ssh/restore-disk';
import { savedAsEdit } from '../../../shared/domain/providers';
import { closeInstallation, manifestOf, openInstallation, runJob, unwrap, type Installation } from './support/backstack';
import { loadCloud, Session } from './support/cloud';
import { connect, createServer, deleteServer, guestWrite, waitServer } from './support/guests';
import { until } from './support/lab';
import type { Server } from './support/nova';
import { loadHypervisors, type Hypervisor } from './support/ssh';

const root = join(__dirname, '..', '..', '..');
let os: Session;
let A: Installation;
let hv: Hypervisor;
let server: Server;
const suffix = Date.now().toString(36);
const serversToDelete: string[] = [];
const imagesToDelete: string[] = [];

interface GlanceImage {
  id: string;
  name: string;
  status: string;
  os_hash_algo?: string;
  os_hash_value?: string;
  [k: string]: unknown;
}
/** the images carrying this installation's mark, in every project */
const ourImages = async (): Promise<GlanceImage[]> =>
  (await os.request<{ images: GlanceImage[] }>('image', `/v2/images?visibility=all&limit=500&backstack_installation=${A.id}`)).images;
const serverAction = (id: string, action: string) => os.request('compute', `/servers/${id}/action`, { method: 'POST', body: { [action]: null }, expect: [202] });

/** A disk of a restore point restored to a local file, hashed. */
async function sums(m: Manifest, disk: string): Promise<{ sha256: string; sha512: string }> {
  const repo = await A.core.services.destinations.open(A.core.services.destinations.defaultDestination().id);
  const file = join(A.home, `${disk}-${Date.now()}.raw`);
  try {
    await restoreDisk(repo, { group: m.group, backup: m.time, disk, sink: fileSink(file) });
    const b = readFileSync(file);
    return { sha256: createHash('sha256').update(b).digest('hex'), sha512: createHash('sha512').update(b).digest('hex') };
  } finally {
    rmSync(file, { force: true });
    await repo.close();
  }
}

beforeAll(async () => {
  const cloud = loadCloud();
  os = await Session.login(cloud);
  const hypervisors = loadHypervisors();
  hv = hypervisors.find((h) => h.host === 'lab-kvm-1')!;
  A = await openInstallation('glance', cloud, hypervisors);
  server = await createServer(os, { name: `glance-it-${suffix}`, image: 'labvm-busybox', flavor: 'm1.tiny', network: 'backstack-net', zone: 'nova' });
  serversToDelete.push(server.id);
}, 900_000);

afterAll(async () => {
  if (A) console.log(`image transfer, jobs:\n${A.figures.map((f) => `  ${f.seconds.toFixed(1).padStart(6)} s  ${f.job}  ${f.summary ?? ''}`).join('\n')}`);
  const warn = (e: unknown) => console.warn(`cleanup: ${(e as Error).message}`);
  await Promise.all(serversToDelete.map((id) => deleteServer(os, id).catch(warn)));
  for (const id of imagesToDelete) await os.request('image', `/v2/images/${id}`, { method: 'DELETE', expect: [204, 404] }).catch(warn);
  await closeInstallation(A);
}, 900_000);

describe('image transfer (Nova snapshot through Glance)', () => {
  let m1: Manifest;
  let m2: Manifest;

  it('backs up a shut-off server: the restore point is its disk as the guest sees it, and Glance keeps no image', async () => {
    // shut off, so its disk can be compared with the restore point afterwards
    await serverAction(server.id, 'os-stop');
    await waitServer(os, server.id, 'SHUTOFF');
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id, strategy: 'image-transfer' });
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.join('\n')).toMatch(/Strategy: image transfer \(Nova snapshot through Glance\), as asked for this backup/);
    expect(log.some((l) => /^Temporary image \S+ deleted\.$/.test(l))).toBe(true);
    m1 = await manifestOf(A, job.summary);
    expect(m1.source.strategy).toBe('image-transfer');
    expect(m1.disks.map((d) => d.name)).toEqual(['vda']);
    const ssh = await connect(hv);
    try {
      const onHost = await remoteDiskSha256(ssh, { kind: 'file', path: join(hv.instancesPath, server.id, 'disk') }, 'qcow2');
      expect((await sums(m1, 'vda')).sha256).toBe(onHost);
    } finally {
      ssh.close();
    }
    expect(await ourImages()).toEqual([]);
  });

  it("backs it up again running, through the cloud's setting: full on the wire, little stored", async () => {
    await serverAction(server.id, 'os-start');
    const running = await waitServer(os, server.id, 'ACTIVE');
    // 1 MiB written by the guest's disk backend between the backups
    const ssh = await connect(hv);
    try {
      await guestWrite(ssh, running['OS-EXT-SRV-ATTR:instance_name'], 'vda', 0x5a, '64M', '1M');
    } finally {
      ssh.close();
    }
    const saved = unwrap(await A.core.api.invoke('providers.list', {})).items.find((p) => p.id === A.providerId)!;
    unwrap(await A.core.api.invoke('providers.update', { id: saved.id, provider: { ...savedAsEdit(saved), strategy: 'image-transfer' } }));
    const { job, log } = await runJob(A, 'backups.start', { providerId: A.providerId, instanceId: server.id });
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log.join('\n')).toMatch(/Strategy: image transfer \(Nova snapshot through Glance\), the setting of lab/);
    m2 = await manifestOf(A, job.summary);
    const t = (m2.metadata.imageTransfer as { transferredBytes: number; diskFormat: string });
    console.log(`second backup: ${t.transferredBytes} bytes downloaded (${t.diskFormat}), ${m2.totals.bytesRead} read, ${m2.totals.bytesStored} stored (first: ${m1.totals.bytesStored} stored); ${m2.totals.chunksNew} new chunks, ${m2.totals.chunksReused} reused`);
    expect(t.transferredBytes).toBeGreaterThan(0);
    expect(m2.totals.bytesStored).toBeLessThan(m1.totals.bytesStored / 3);
    expect(m2.totals.chunksNew).toBeGreaterThanOrEqual(1);
    const repo = await A.core.services.destinations.open(A.core.services.destinations.defaultDestination().id);
    try {
      const reader = await openDiskReader(repo, { group: m2.group, backup: m2.time, disk: 'vda' });
      expect((await reader.read(64 * 1024 * 1024, 1024 * 1024)).equals(Buffer.alloc(1024 * 1024, 0x5a))).toBe(true);
      await reader.close();
    } finally {
      await repo.close();
    }
    expect(await ourImages()).toEqual([]);
  });

  it('restores through Glance: the image Glance stored is the restore point, the server ACTIVE, the image deleted unless kept', async () => {
    const name = `glance-it-restored-${suffix}`;
    const expected = await sums(m2, 'vda');
    const { job, log } = await runJob(A, 'restore.start', { backupId: m2.id, name, keepImage: true });
    const serverId = /Server \S+ \(([0-9a-f-]{36})\)/.exec(job.summary ?? '')?.[1];
    if (serverId) serversToDelete.push(serverId);
    const imageId = /Glance image ([0-9a-f-]{36})/.exec(job.summary ?? '')?.[1];
    if (imageId) imagesToDelete.push(imageId);
    expect(job.state, log.join('\n')).toBe('succeeded');
    expect(log).toContain(`Glance stored the disk as sent (sha512 checked; sha256 ${expected.sha256}).`);
    const image = await os.request<GlanceImage>('image', `/v2/images/${imageId}`);
    expect(image.os_hash_algo).toBe('sha512');
    expect(image.os_hash_value).toBe(expected.sha512);
    expect(image.backstack_purpose).toBe('kept');
    const restored = await waitServer(os, serverId!, 'ACTIVE');
    expect(restored.name).toBe(name);
    expect((restored.image as { id: string }).id).toBe(imageId);
    // kept images are not the clean-up's to remove
    const { jobId } = unwrap(await A.core.api.invoke('backups.cleanup', { providerId: A.providerId, dryRun: true }));
    await A.core.jobs.whenIdle();
    expect(A.core.jobs.get(jobId).summary).toBe('Nothing of this installation was left in Glance or Cinder.');
    await os.request('image', `/v2/images/${imageId}`, { method: 'DELETE', expect: [204] });
  });

  it('a backup killed while Nova makes its image leaves it; backstack cleanup --dry-run lists it, cleanup deletes it', async () => {
    const cli = (args: string[]) => spawn(process.execPath, [join(root, 'bin', 'backstack.cjs'), ...args], { cwd: root, env: { ...process.env, BACKSTACK_HOME: A.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = cli(['backup', 'run', '--provider', 'lab', '--instance', server.id, '--strategy', 'image-transfer']);
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    await until('the CLI to wait for the image', async () => /Nova is making the temporary image/.test(err), { timeoutMs: 300_000, intervalMs: 100 });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = await ourImages();
    expect(left.map((i) => i.backstack_purpose)).toEqual(['backup']);

    const dry = unwrap(await A.core.api.invoke('backups.cleanup', { providerId: A.providerId, dryRun: true }));
    await A.core.jobs.whenIdle();
    expect(A.core.jobs.get(dry.jobId).summary).toBe(`Would delete 1 leftover(s): image ${left[0]!.name} (${left[0]!.id}).`);
    expect((await ourImages()).map((i) => i.id)).toEqual([left[0]!.id]);

    const run = cli(['cleanup', '--provider', 'lab']);
    let out = '';
    run.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise((r) => run.once('exit', r));
    expect(code, out).toBe(0);
    // the interrupted job's own clean-up (queued when the CLI opened the catalog) may have come first
    expect(out).toMatch(/Deleted 1 leftover\(s\)|Nothing of this installation was left in Glance/);
    await until('Glance to hold nothing of ours', async () => (await ourImages()).length === 0, { timeoutMs: 60_000, intervalMs: 1_000 });
    // Nova let go of the server when its image vanished
    await waitServer(os, server.id, 'ACTIVE');
  });
});
