import { defaultVolumeRestoreName, type RestoreVolumeParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import * as os from '../../openstack';
import type { BackedUpDisk, VolumeSourceMetadata } from './backup-metadata';
import type { RestoreHosts } from './restore-hosts';
import { volumeSizeGiB } from './restore-mapping';

/**
 * One disk of an instance's restore point as a new Cinder volume in a project (written on a
 * hypervisor over SSH + qemu-nbd, as the restore through Nova writes volumes), optionally attached
 * to an instance. On failure, the volume it created is detached and deleted: nothing is left behind.
 */

export interface VolumeRestoreContext {
  params: RestoreVolumeParams;
  backup: VolumeSourceMetadata;
  backupRef: { group: string; time: string };
  /** signed in to the target project */
  client: os.ProviderClient;
  hosts: RestoreHosts;
  /** installation and job, on the volume it creates (restore-cleanup.ts finds it by them after a kill) */
  marks: Record<string, string>;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  progress: (phase: string, bytes?: { done: number; total: number | null }) => void;
}

/** The disk of the restore point, or why there is none. */
export function diskOf(b: Pick<VolumeSourceMetadata, 'disks'>, target: string): BackedUpDisk | string {
  return b.disks.find((d) => d.target === target) ?? `The restore point has no disk ${target}: its disks are ${b.disks.map((d) => d.target).join(', ')}.`;
}

/** The new volume's name and type: the ones given, else a distinct name and the original volume's type (none: the cloud's default). */
export function volumePlan(b: Pick<VolumeSourceMetadata, 'serverName' | 'createdAt' | 'volumes'>, p: RestoreVolumeParams, d: BackedUpDisk): { name: string; type: string | undefined; sizeGiB: number } {
  return {
    name: p.name ?? defaultVolumeRestoreName(b.serverName, d.target, b.createdAt),
    type: p.volumeType ?? b.volumes.find((v) => v.id === d.serial)?.volumeType ?? undefined,
    sizeGiB: volumeSizeGiB(b, d),
  };
}

/** The instance of the project to attach to, by id or name; a problem when none or several match. */
export async function findAttachTarget(compute: os.ServiceClient, key: string, signal?: AbortSignal): Promise<os.Server | string> {
  const all = await os.listServers(compute, signal ? { signal } : {}).all();
  const byId = all.find((s) => s.id === key);
  if (byId) return byId;
  const named = all.filter((s) => s.name === key);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) return `${named.length} instances of the project are named "${key}": give the id of the one to attach to (${named.map((s) => s.id).join(', ')}).`;
  return `No instance "${key}" in the target project: give the id or name of one of its instances.`;
}

/** Where the written bytes go: the new volume's RBD image, in the pool and as the Ceph user the backup's volumes used. */
function rbdTargetOf(b: Pick<VolumeSourceMetadata, 'disks'>, d: BackedUpDisk, volumeId: string) {
  const like = d.kind === 'rbd' ? d : b.disks.find((x) => x.kind === 'rbd');
  return { kind: 'rbd' as const, pool: like?.pool ?? 'volumes', image: `volume-${volumeId}`, snapshot: null, user: like?.rbdUser ?? null };
}

export async function restoreVolume(c: VolumeRestoreContext): Promise<{ volumeId: string; name: string; attachedTo: { id: string; name: string } | null; sha256: string | null }> {
  const { backup: b, params: p, signal } = c;
  const wait = (timeoutMs: number) => ({ signal, timeoutMs, clock: c.client.clock });
  const d = diskOf(b, p.disk);
  if (typeof d === 'string') throw new AppError('resource.notFound', d);
  const compute = await c.client.compute(signal);
  const bs = await c.client.blockStorage(signal);
  let server: os.Server | undefined;
  if (p.attachTo) {
    const found = await findAttachTarget(compute, p.attachTo, signal);
    if (typeof found === 'string') throw new AppError('resource.notFound', found);
    server = found;
  }
  const plan = volumePlan(b, p, d);
  c.progress(`Creating a volume for disk ${d.target}`);
  const created = await os.createVolume(
    bs,
    {
      sizeGiB: plan.sizeGiB,
      name: plan.name,
      ...(plan.type ? { volumeType: plan.type } : {}),
      description: `Disk ${d.target} of ${b.serverName}, restored by Backstack from backup ${c.backupRef.group}/${c.backupRef.time}`,
      metadata: c.marks,
    },
    { signal },
  );
  let attached = false;
  try {
    await os.waitForVolumeStatus(bs, created.id, 'available', wait(10 * 60_000));
    const target = rbdTargetOf(b, d, created.id);
    c.log('info', `Volume ${plan.name} (${created.id}) created; writing disk ${d.target} into ${b.strategy === 'disk-attachment' ? 'it' : `rbd ${target.pool}/${target.image}`}.`);
    c.progress(`Connecting to ${b.strategy === 'disk-attachment' ? 'the proxy' : (b.host ?? 'the hypervisor')}`);
    const host = await c.hosts.open(b.host);
    let sha256: string | null;
    try {
      const writing = `Writing disk ${d.target}`;
      c.progress(writing, { done: 0, total: d.size });
      sha256 = (
        await host.write(d.target, { source: target, format: 'raw' }, {
          progress: (done, total) => c.progress(writing, { done, total }),
          verifying: () => c.progress(`Verifying disk ${d.target}`),
        })
      ).sha256;
    } finally {
      host.close();
    }
    if (sha256) c.log('info', `Disk ${d.target}: verified on ${b.strategy === 'disk-attachment' ? 'the proxy' : 'the hypervisor'}, sha256 ${sha256}.`);
    if (server) {
      c.progress(`Attaching the volume to ${server.name}`);
      await os.attachVolume(compute, server.id, created.id, { signal });
      attached = true;
      await os.waitForVolumeStatus(bs, created.id, 'in-use', wait(10 * 60_000));
      c.log('info', `Volume ${created.id} attached to ${server.name} (${server.id}).`);
    }
    return { volumeId: created.id, name: plan.name, attachedTo: server ? { id: server.id, name: server.name } : null, sha256 };
  } catch (e) {
    await removeVolume(c, compute, bs, created.id, attached ? server?.id : undefined);
    throw e;
  }
}

/** Takes back what a failed volume restore created (detached first when it got attached); says so in the log either way. */
async function removeVolume(c: VolumeRestoreContext, compute: os.ServiceClient, bs: os.ServiceClient, volumeId: string, serverId: string | undefined): Promise<void> {
  // not the job's signal: a cancelled restore still removes its volume
  const opt = { timeoutMs: 5 * 60_000, clock: c.client.clock };
  try {
    c.progress('Removing the volume of the failed restore');
    if (serverId) {
      await os.detachVolume(compute, serverId, volumeId);
      await os.waitForVolumeStatus(bs, volumeId, 'available', opt);
    }
    await os.deleteVolume(bs, volumeId);
    await os.waitForVolumeDeleted(bs, volumeId, opt);
    c.log('info', `The restore failed: volume ${volumeId} it created was deleted.`);
  } catch (e) {
    c.log('warn', `The restore failed and volume ${volumeId} it created could not be deleted (${e instanceof Error ? e.message : String(e)}): delete it in the project.`);
  }
}
