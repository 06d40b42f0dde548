import { formatBytes } from '../../../shared/format';
import type { RestoreInPlaceParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import type { Repository } from '../../engine';
import * as os from '../../openstack';
import { dumpDomain, fileDiskState, liveDiskLayout, PartialWriteError, restoreDiskInPlace, type DomainDisk, type InPlaceResult, type LiveDisk } from '../../transfer/libvirt-ssh';
import { logTransfer, type HypervisorsService } from '../hypervisors/hypervisors.service';
import type { BackedUpDisk, InstanceBackupMetadata } from './backup-metadata';
import type { Progress } from './restore.job';

/**
 * Restore over an instance's existing disks (the libvirt strategy's differential restore,
 * transfer/libvirt-ssh/restore-in-place.ts): everything that could refuse is checked before the
 * instance is touched (its disks on the hypervisor, their kinds and sizes); then it is stopped
 * through Nova, only the blocks that differ are written and verified, and it is started again
 * when it was running. A disk left half-written is named, with the way out.
 */

export interface InPlaceContext {
  params: RestoreInPlaceParams;
  backup: InstanceBackupMetadata;
  backupRef: { group: string; time: string };
  providerId: string;
  repo: Repository;
  client: os.ProviderClient;
  hypervisors: HypervisorsService;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  progress: Progress;
}

interface PlannedDisk {
  disk: BackedUpDisk;
  live: LiveDisk;
  /** snapshot overlays (any installation's) above Nova's file, which Nova's start leaves out */
  overlays: string[];
}

/** The restore point's disks matched with the instance's, or every reason why not (nothing is touched yet). */
export function matchDisks(b: InstanceBackupMetadata, wanted: readonly string[] | undefined, domain: readonly DomainDisk[], instance: string): { planned: PlannedDisk[]; problems: string[] } {
  const problems: string[] = [];
  const planned: PlannedDisk[] = [];
  for (const target of wanted ?? b.disks.map((d) => d.target)) {
    const disk = b.disks.find((d) => d.target === target);
    if (!disk) {
      problems.push(`The restore point has no disk ${target}: its disks are ${b.disks.map((d) => d.target).join(', ')}.`);
      continue;
    }
    const live = domain.find((d) => d.target === target && d.device === 'disk');
    if (!live) {
      problems.push(`${instance} has no disk ${target} on its hypervisor: restore that disk as a volume instead (backstack restore volume).`);
      continue;
    }
    const s = live.source;
    if (s.kind !== 'file' && s.kind !== 'rbd') {
      problems.push(`Disk ${target} of ${instance} is ${s.kind === 'block' ? `a block device (${s.path})` : `of type ${s.type}`}: it cannot be restored in place (files and Ceph RBD images can). Run a full restore instead.`);
      continue;
    }
    if (s.kind === 'rbd') {
      planned.push({ disk, live: { source: s, format: live.format ?? 'raw' }, overlays: [] });
      continue;
    }
    // Nova starts an instance by redefining its domain from its own files (power-on is a hard
    // reboot): snapshot overlays above Nova's file are left out, so the file is what is restored.
    const state = fileDiskState(live);
    planned.push({
      disk,
      live: { source: { kind: 'file', path: state.original.path }, format: state.original.format, overlayAbove: state.overlays.at(-1)?.token ?? null },
      overlays: state.overlays.map((o) => o.path),
    });
  }
  return { planned, problems };
}

export async function restoreInPlace(c: InPlaceContext): Promise<{ summary: string; results: InPlaceResult[] }> {
  const { backup: b, params: p, signal } = c;
  const wait = (timeoutMs: number) => ({ signal, timeoutMs, clock: c.client.clock });
  c.progress('Looking up the instance');
  const compute = await c.client.compute(signal);
  let server = await os.getServer(compute, p.instanceId, { signal }).catch((e: unknown) => {
    if (e instanceof os.NotFoundError) throw new AppError('resource.notFound', `No instance ${p.instanceId} in the cloud: give the id of the instance to restore over.`);
    throw e;
  });
  const name = `${server.name} (${server.id})`;
  if (!server.host || !server.instanceName) throw new AppError('auth.forbidden', `Nova does not tell where ${name} runs (admin attributes needed): restore in place as an administrator of the cloud.`);
  if (server.status !== 'ACTIVE' && server.status !== 'SHUTOFF') {
    throw new AppError('resource.conflict', `${name} is ${server.status}: it must be ACTIVE or SHUTOFF to be restored in place. Nothing was changed.`);
  }
  if (server.id !== b.server.id) c.log('warn', `The restore point is of ${b.serverName} (${b.server.id}); its disks are written over those of another instance, ${name}.`);
  const hv = c.hypervisors.forServer(c.providerId, server.host, server.hypervisorHostname);
  const transfer = c.hypervisors.transferOf(hv);
  c.progress(`Connecting to ${hv.hostname}`);
  const ssh = await c.hypervisors.connect(hv, signal);
  const results: InPlaceResult[] = [];
  try {
    logTransfer(transfer, c.log);
    // Everything that could refuse, before the instance is stopped.
    const domain = await dumpDomain(ssh, server.instanceName, signal);
    const { planned, problems } = matchDisks(b, p.disks, domain.disks, name);
    for (const d of planned) {
      const layout = await liveDiskLayout(ssh, d.live, signal);
      if (layout.size !== d.disk.size) {
        problems.push(
          `Disk ${d.disk.target} holds ${formatBytes(layout.size)} (${layout.size} bytes) and its restore point ${formatBytes(d.disk.size)} (${d.disk.size} bytes): it was resized since. Restore it as a new instance or volume instead.`,
        );
      }
    }
    if (problems.length) throw new AppError('validation.invalidInput', `${problems.join(' ')} Nothing was changed.`);
    const wasRunning = server.status === 'ACTIVE';
    if (wasRunning) {
      c.progress(`Stopping ${server.name}`);
      await compute.post(`servers/${encodeURIComponent(server.id)}/action`, { 'os-stop': null }, { ok: [202], signal });
      server = await os.waitForServerStatus(compute, server.id, 'SHUTOFF', wait(10 * 60_000));
      c.log('info', `${name} stopped to restore its disks.`);
    }
    for (const d of planned) {
      const t = d.disk.target;
      c.log('info', `Disk ${t}: comparing the restore point with ${describe(d.live)} on ${hv.hostname}.`);
      try {
        const r = await restoreDiskInPlace(ssh, c.repo, {
          group: c.backupRef.group,
          backup: c.backupRef.time,
          disk: t,
          target: d.live,
          transfer,
          signal,
          onStep: (step, bytes) =>
            c.progress(step === 'compare' ? `Comparing disk ${t}` : step === 'write' ? `Writing the blocks of disk ${t} that differ` : `Verifying disk ${t}`, bytes),
        });
        results.push(r);
        c.log('info', diskLine(r));
      } catch (e) {
        throw failure(e, d.disk.target, name, results, c.backupRef);
      }
    }
    const overlays = planned.flatMap((d) => d.overlays);
    if (overlays.length) {
      c.log(
        'info',
        `Nova starts ${server.name} from its own disk files, which were restored; the snapshot overlays above them (${overlays.join(', ')}) are left out from then on (whoever made them backs ${planned.filter((d) => d.overlays.length).map((d) => d.disk.target).join(', ')} up in full next time).${wasRunning ? '' : ' Start the instance through Nova, not with virsh start (which would still read those overlays).'}`,
      );
    }
    if (wasRunning) {
      c.progress(`Starting ${server.name}`);
      await compute.post(`servers/${encodeURIComponent(server.id)}/action`, { 'os-start': null }, { ok: [202], signal });
      server = await os.waitForServerStatus(compute, server.id, 'ACTIVE', wait(10 * 60_000));
    }
    const written = results.reduce((n, r) => n + r.bytesWritten, 0);
    return {
      summary: `${name} restored in place from ${c.backupRef.group}/${c.backupRef.time}: ${formatBytes(written)} written (${results.map((r) => `${r.disk} ${formatBytes(r.bytesWritten)}`).join(', ')}), verified; ${server.status}.`,
      results,
    };
  } finally {
    ssh.close();
  }
}

const describe = (d: LiveDisk): string => (d.source.kind === 'file' ? `${d.source.path} (${d.format})` : d.source.kind === 'rbd' ? `rbd ${d.source.pool}/${d.source.image}` : d.source.kind);

function diskLine(r: InPlaceResult): string {
  const compared = r.keptSnapshot
    ? r.hashedRemote === 0
      ? "the disk's own image is the one this restore point froze, unchanged since (the guest's writes went to the snapshot kept above it)"
      : `only the ${formatBytes(r.hashedRemote)} written since the restore point compared (its snapshot is still kept on the hypervisor)`
    : `${formatBytes(r.hashedRemote)} hashed on the hypervisor`;
  if (r.bytesWritten === 0) return `Disk ${r.disk}: already identical to the restore point (${compared}); nothing written.`;
  return `Disk ${r.disk}: ${formatBytes(r.differingBytes)} of ${formatBytes(r.size)} differed (blocks of ${formatBytes(r.blockSize)}; ${compared}); ${formatBytes(r.bytesWritten)} (${r.bytesWritten} bytes) written, hashed again on the hypervisor and identical to the restore point.`;
}

/** What a failed disk leaves: the instance stays stopped when anything was written, and the message says which disk and the way out. */
function failure(e: unknown, disk: string, name: string, done: readonly InPlaceResult[], ref: { group: string; time: string }): AppError {
  const why = e instanceof Error ? e.message : String(e);
  const before = done.length ? ` ${done.map((r) => r.disk).join(', ')} ${done.length > 1 ? 'were' : 'was'} restored before it.` : '';
  const way = `Run the in-place restore again, or restore the instance in full (backstack restore run --backup ${ref.group}/${ref.time}).`;
  if (e instanceof PartialWriteError) {
    return new AppError('internal', `Disk ${disk} of ${name} ${e.bytesWritten > 0 ? `was partially written (${formatBytes(e.bytesWritten)})` : 'may have been partially written'} when the restore failed: ${why} It holds neither its old content nor the restore point, and the instance was left stopped.${before} ${way}`, {
      cause: e,
      details: { partiallyWritten: disk },
    });
  }
  if (e instanceof AppError && e.code === 'job.cancelled') return e;
  const untouched = done.length ? ` Nothing of ${disk} was written; the instance was left stopped because its disks now come from different times.${before} ${way}` : ` Nothing was written; the instance was left stopped.`;
  return new AppError(e instanceof AppError ? e.code : 'internal', `Disk ${disk} of ${name} could not be restored in place: ${why}${untouched}`, { cause: e });
}
