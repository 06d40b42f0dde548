import { AppError } from '../../../shared/errors/codes';
import { findBackup, parseRef, type Manifest, type Repository } from '../../engine';
import type { JobContext, JobKind } from '../../jobs/types';
import type * as os from '../../openstack';
import { describeInstance, type StrategyDeps } from '../strategy';
import { readInstanceBackup, readVolumeSource, type InstanceBackupMetadata } from './backup-metadata';
import { restoreThroughLibvirt } from './libvirt-restore';
import { restoreThroughNova } from './nova-restore';
import { restoreThroughGlance } from './glance-restore';
import { proxyRestoreHosts } from './proxy-hosts';
import type { RestoreHosts, RestoreHostsOptions } from './restore-hosts';
import { firstSignedIn, resolveTargetCloud } from './target-cloud';
import { restoreMarks } from './restore-cleanup';
import { restoreVolume } from './volume-restore';
import { restoreInPlace } from './in-place';

/** "instance web-1 (lab) as of 2026-12-01 10:00 UTC" when the catalog indexes the restore point, else its id. */
export function describeRestorePoint(d: StrategyDeps, backupId: string, destinationId: string | undefined): string {
  const b = d.backups.get(backupId, destinationId);
  if (!b) return `restore point ${backupId}`;
  const at = `${b.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
  // The name the backup recorded: the instance may be gone or renamed since.
  const what =
    b.resourceKind === 'instance'
      ? describeInstance(d, b.providerId, b.resourceId, b.resourceName)
      : `${b.resourceKind} ${b.resourceName || b.resourceId}`;
  return `${what} as of ${at}`;
}

export type Progress = (phase: string, bytes?: { done: number; total: number | null }) => void;

/** What both restore jobs start from: the restore point read from its destination (open while `fn` runs) and the cloud to restore into. */
export async function withRestorePoint<T, B extends Pick<InstanceBackupMetadata, 'serverName' | 'providerId' | 'cloud'>>(
  d: StrategyDeps,
  ctx: Pick<JobContext<unknown>, 'log' | 'progress'>,
  p: { backupId: string; destinationId?: string | undefined; providerId?: string | undefined },
  /** the restore point's metadata as the restore needs it (readInstanceBackup, readVolumeSource) */
  read: (m: Manifest) => B,
  fn: (o: { repo: Repository; backup: B; ref: { group: string; time: string }; cloudId: string; progress: Progress }) => Promise<T>,
): Promise<T> {
  const record = d.backups.get(p.backupId);
  const destinationId = p.destinationId ?? record?.destinationId;
  if (!destinationId)
    throw new AppError(
      'resource.notFound',
      `No restore point ${p.backupId} in the catalog: name its destination with --destination, or re-index the destination.`,
    );
  const ref = parseRef(p.backupId);
  // Each step is the job's phase, so the job list says what a long restore is doing.
  const progress: Progress = (phase, bytes) => ctx.progress({ phase, unit: 'bytes', bytesDone: bytes?.done ?? 0, bytesTotal: bytes?.total ?? null });
  progress('Reading the restore point');
  const repo = await d.destinations.open(destinationId);
  try {
    const manifest = await findBackup(repo, ref.group, ref.time);
    const backup = read(manifest);
    ctx.log('info', `Restoring ${backup.serverName} from ${manifest.id} (${manifest.disks.map((x) => x.name).join(', ')}).`);
    const cloud = resolveTargetCloud(d.providers, {
      given: p.providerId,
      providerId: backup.providerId,
      cloud: backup.cloud,
      what: backup.serverName,
    });
    if (cloud.id !== backup.providerId) ctx.log('info', `Restoring into the cloud ${cloud.name} (${cloud.authUrl}, region ${cloud.region}).`);
    return await fn({ repo, backup, ref, cloudId: cloud.id, progress });
  } finally {
    await repo.close();
  }
}

/** A client of the cloud signed in to the project the restore creates things in (closed after `fn`). */
export async function inProject<T>(
  d: StrategyDeps,
  cloudId: string,
  projectId: string | null | undefined,
  signal: AbortSignal,
  progress: Progress,
  fn: (client: os.ProviderClient, projectId: string) => Promise<T>,
): Promise<T> {
  if (!projectId) throw new AppError('validation.invalidInput', 'The backup does not say which project the instance was in: choose one.');
  // Created in the chosen project: the clients are scoped to it.
  const entries = d.providers.clients(cloudId, () => ({ kind: 'project', id: projectId }));
  try {
    progress('Signing in to the cloud');
    const client = await firstSignedIn(
      entries.map((e) => e.client),
      signal,
    );
    if (!client) throw new AppError('auth.failed', `No account of this cloud can work in project ${projectId}.`);
    return await fn(client, projectId);
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}

/** Where a restore writes disks: the hypervisors over SSH, or the proxy VM for a disk-attachment restore point (no hypervisor access assumed). */
function hostsFor(
  d: StrategyDeps,
  backup: Pick<InstanceBackupMetadata, 'strategy'>,
  client: os.ProviderClient,
  o: Omit<RestoreHostsOptions, 'hypervisors'>,
): RestoreHosts {
  const all = { ...o, hypervisors: d.hypervisors };
  return backup.strategy === 'disk-attachment' ? proxyRestoreHosts(d, client, all) : d.restoreHosts(all);
}

/** `restore.instance`: an instance back from a libvirt-strategy backup, through Nova or `virsh define`; from an image-transfer one, through Glance. */
export function restoreInstanceJob(d: StrategyDeps): JobKind<'restore.instance'> {
  return {
    kind: 'restore.instance',
    describeTarget: (p) => describeRestorePoint(d, p.backupId, p.destinationId),
    maxAttempts: 1,
    run: (ctx) =>
      withRestorePoint(d, ctx, ctx.params, readInstanceBackup, async ({ repo, backup, ref, cloudId, progress }) => {
        const p = ctx.params;
        const log = (level: 'info' | 'warn', m: string) => ctx.log(level, m);
        const common = {
          params: p,
          backup,
          backupRef: ref,
          providerId: cloudId,
          marks: restoreMarks(d.installation.id, ctx.jobId),
          signal: ctx.signal,
          log,
          progress,
        };
        if (backup.strategy === 'image-transfer') {
          if (p.target === 'libvirt')
            throw new AppError(
              'unsupported',
              'This restore point was made by image transfer (no domain definition, no hypervisor access): restore it through Nova.',
            );
          return inProject(d, cloudId, p.projectId ?? backup.server.projectId, ctx.signal, progress, async (client, projectId) => {
            const r = await restoreThroughGlance({
              ...common,
              client,
              projectId,
              repo,
              owner: { installation: d.installation.id, jobId: ctx.jobId },
            });
            progress('Restored');
            return {
              summary: `Server ${r.name} (${r.serverId}) restored from Glance image ${r.imageId}${r.imageKept ? ' (kept)' : ' (deleted)'} and ${r.status}.`,
            };
          });
        }
        if (p.target === 'libvirt' && backup.strategy === 'disk-attachment')
          throw new AppError(
            'unsupported',
            'This restore point was made by disk attachment (no domain definition, no hypervisor access): restore it through Nova.',
          );
        if (p.target === 'libvirt') {
          const r = await restoreThroughLibvirt({ ...common, repo, hypervisors: d.hypervisors, verify: p.verify });
          progress('Restored');
          return { summary: `Domain ${r.domainName} defined on ${r.host}${r.started ? ' and started' : ''}.` };
        }
        return inProject(d, cloudId, p.projectId ?? backup.server.projectId, ctx.signal, progress, async (client, projectId) => {
          const hosts = hostsFor(d, backup, client, { providerId: cloudId, repo, ref, verify: p.verify, signal: ctx.signal, log });
          const r = await restoreThroughNova({ ...common, client, projectId, hosts });
          progress('Restored');
          return { summary: `Server ${r.name} (${r.serverId}) restored and ${r.status}.` };
        });
      }),
  };
}

/** `restore.volume`: one disk of an instance's restore point as a new volume, optionally attached to an instance. */
export function restoreVolumeJob(d: StrategyDeps): JobKind<'restore.volume'> {
  return {
    kind: 'restore.volume',
    describeTarget: (p) => `disk ${p.disk} of ${describeRestorePoint(d, p.backupId, p.destinationId)}`,
    maxAttempts: 1,
    run: (ctx) =>
      withRestorePoint(d, ctx, ctx.params, readVolumeSource, ({ repo, backup, ref, cloudId, progress }) => {
        const p = ctx.params;
        const log = (level: 'info' | 'warn', m: string) => ctx.log(level, m);
        return inProject(d, cloudId, p.projectId ?? backup.projectId, ctx.signal, progress, async (client) => {
          const hosts = hostsFor(d, backup, client, { providerId: cloudId, repo, ref, verify: p.verify, signal: ctx.signal, log });
          const marks = restoreMarks(d.installation.id, ctx.jobId);
          const r = await restoreVolume({ params: p, backup, backupRef: ref, client, hosts, marks, signal: ctx.signal, log, progress });
          progress('Restored');
          return {
            summary: `Volume ${r.name} (${r.volumeId}) restored from disk ${p.disk}${r.attachedTo ? ` and attached to ${r.attachedTo.name} (${r.attachedTo.id})` : ''}.`,
          };
        });
      }),
  };
}

/** `restore.inPlace`: a restore point written over an instance's existing disks, only the blocks that differ. */
export function restoreInPlaceJob(d: StrategyDeps): JobKind<'restore.inPlace'> {
  return {
    kind: 'restore.inPlace',
    describeTarget: (p) => {
      const point = describeRestorePoint(d, p.backupId, p.destinationId);
      const record = d.backups.get(p.backupId, p.destinationId);
      return record?.resourceId === p.instanceId
        ? `${point}, in place`
        : `${describeInstance(d, record?.providerId ?? null, p.instanceId)}, in place from ${point}`;
    },
    maxAttempts: 1,
    run: (ctx) =>
      withRestorePoint(d, ctx, ctx.params, readInstanceBackup, async ({ repo, backup, ref, cloudId, progress }) => {
        const log = (level: 'info' | 'warn', m: string) => ctx.log(level, m);
        // Signed in to the restore point's project first, else an account's default scope (an admin elsewhere reads any server).
        const entries = [
          ...(backup.server.projectId ? d.providers.clients(cloudId, () => ({ kind: 'project', id: backup.server.projectId as string })) : []),
          ...d.providers.clients(cloudId),
        ];
        try {
          progress('Signing in to the cloud');
          const client = await firstSignedIn(
            entries.map((e) => e.client),
            ctx.signal,
          );
          if (!client) throw new AppError('auth.failed', 'No account of this cloud can sign in: check its credentials under Clouds.');
          const r = await restoreInPlace({
            params: ctx.params,
            backup,
            backupRef: ref,
            providerId: cloudId,
            repo,
            client,
            hypervisors: d.hypervisors,
            signal: ctx.signal,
            log,
            progress,
          });
          progress('Restored');
          return { summary: r.summary };
        } finally {
          await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
        }
      }),
  };
}
