import { firstSignedIn, resolveTargetCloud } from './target-cloud';
import type { RestoreInstanceParams, RestorePointDisks, RestoreVolumeParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import { defaultRestoreName, defaultVolumeRestoreName } from '../../../shared/domain/backups';
import { preflightReport, type PreflightItem, type PreflightReport } from '../../../shared/domain/restore-preflight';
import { findBackup, parseRef, type Manifest } from '../../engine';
import type * as os from '../../openstack';
import type { StrategyDeps } from '../strategy';
import { readInstanceBackup, readVolumeSource, type InstanceBackupMetadata } from './backup-metadata';
import { preflightLibvirt, preflightNova } from './preflight';
import { preflightVolume } from './preflight-volume';

type Deps = Pick<StrategyDeps, 'destinations' | 'providers' | 'hypervisors' | 'inventory' | 'proxies'>;

const notAnInstance: PreflightItem = {
  severity: 'blocker',
  field: 'restorePoint',
  item: 'Restore point',
  message: 'It is not a backup of an instance (libvirt strategy): restore its disks to files with backstack destination folder disk-restore.',
};

/** The restore point's metadata as `read` gives it, or null when it cannot (not an instance backup of a strategy this version restores). */
async function readRestorePoint<B>(d: Deps, backupId: string, destinationId: string, read: (m: Manifest) => B): Promise<B | null> {
  const ref = parseRef(backupId);
  const repo = await d.destinations.open(destinationId);
  try {
    const manifest = await findBackup(repo, ref.group, ref.time);
    try {
      return read(manifest);
    } catch {
      return null;
    }
  } finally {
    await repo.close();
  }
}

/** Runs `fn` signed in to the project, or gives the item that says no account of the cloud can work there. */
async function inProject(
  d: Deps,
  providerId: string,
  projectId: string,
  signal: AbortSignal | undefined,
  fn: (client: os.ProviderClient) => Promise<PreflightItem[]>,
): Promise<PreflightItem[]> {
  const entries = d.providers.clients(providerId, () => ({ kind: 'project', id: projectId }));
  try {
    const client = await firstSignedIn(
      entries.map((e) => e.client),
      signal,
    );
    if (client) return await fn(client);
    // named as the synced inventory knows it (the id alone when it does not)
    const known = d.inventory.get(providerId, 'project', projectId)?.name;
    const project = known ? `${known} (${projectId})` : projectId;
    return [
      {
        severity: 'blocker',
        field: 'project',
        item: `Project ${project}`,
        message: `No account of this cloud can work in project ${project}: choose another project, or give an account a role in it.`,
      },
    ];
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}

const noProject: PreflightItem = { severity: 'blocker', field: 'project', item: 'Project', message: 'The backup does not say which project the instance was in: choose one.' };

/** The pre-flight of a restore as the app runs it: the restore point read from its destination, the target signed in to. */
export async function runRestorePreflight(d: Deps, p: RestoreInstanceParams, destinationId: string, signal?: AbortSignal): Promise<PreflightReport> {
  const backup = await readRestorePoint(d, p.backupId, destinationId, readInstanceBackup);
  if (!backup) return preflightReport(p.name ?? p.backupId, [notAnInstance]);
  const name = p.name ?? defaultRestoreName(backup.serverName, backup.createdAt);
  // The same cloud the restore job will use: given, else found by its Keystone URL and region.
  const providerId = resolveTargetCloud(d.providers, { given: p.providerId, providerId: backup.providerId, cloud: backup.cloud, what: backup.serverName }).id;
  if (p.target === 'libvirt' && backup.strategy !== 'libvirt-ssh')
    return preflightReport(name, [
      { severity: 'blocker', field: 'restorePoint', item: 'Restore point', message: `This restore point was made by ${backup.strategy === 'image-transfer' ? 'image transfer' : 'disk attachment'}: restore it through Nova.` },
    ]);
  if (p.target === 'libvirt') {
    const host = p.host ?? backup.host;
    return preflightReport(name, preflightLibvirt(backup, p, host, host ? await domainNames(d, providerId, host, signal) : []));
  }
  const projectId = p.projectId ?? backup.server.projectId;
  if (!projectId) return preflightReport(name, [noProject]);
  return preflightReport(name, [
    ...proxyItems(d, providerId, backup.strategy),
    ...(await inProject(d, providerId, projectId, signal, (client) => preflightNova({ client, backup, params: p, projectId, ...(signal ? { signal } : {}) }))),
  ]);
}

/** A disk-attachment restore point is written on the cloud's proxy VM: which one, or that there is none. */
function proxyItems(d: Deps, providerId: string, strategy: InstanceBackupMetadata['strategy']): PreflightItem[] {
  if (strategy !== 'disk-attachment') return [];
  try {
    const proxy = d.proxies.forZone(providerId, null);
    return [{ severity: 'info', field: 'host', item: 'Proxy VM', message: `The disks are written on the proxy VM ${proxy.serverName} (${proxy.user}@${proxy.address}).` }];
  } catch (e) {
    return [{ severity: 'blocker', field: 'host', item: 'Proxy VM', message: (e as Error).message }];
  }
}

/** The restore point's disks: which are volumes (and their type), which is the boot disk. */
export async function describeRestorePoint(d: Deps, backupId: string, destinationId: string): Promise<RestorePointDisks> {
  const b = await readRestorePoint(d, backupId, destinationId, readVolumeSource);
  if (!b) throw new AppError('unsupported', notAnInstance.message);
  const boot = b.boot;
  return {
    projectId: b.projectId,
    disks: b.disks.map((x) => ({
      name: x.target,
      size: x.size,
      kind: x.kind === 'rbd' ? ('volume' as const) : ('local' as const),
      boot: x.target === boot,
      volumeType: x.kind === 'rbd' ? (b.volumes.find((v) => v.id === x.serial)?.volumeType ?? null) : null,
    })),
  };
}

/** The pre-flight of restoring one disk as a volume, as the app runs it. */
export async function runVolumePreflight(d: Deps, p: RestoreVolumeParams, destinationId: string, signal?: AbortSignal): Promise<PreflightReport> {
  const backup = await readRestorePoint(d, p.backupId, destinationId, readVolumeSource);
  if (!backup) return preflightReport(p.name ?? p.disk, [notAnInstance]);
  const providerId = resolveTargetCloud(d.providers, { given: p.providerId, providerId: backup.providerId, cloud: backup.cloud, what: backup.serverName }).id;
  const projectId = p.projectId ?? backup.projectId;
  if (!projectId) return preflightReport(p.name ?? p.disk, [noProject]);
  const name = p.name ?? defaultVolumeRestoreName(backup.serverName, p.disk, backup.createdAt);
  const items = await inProject(d, providerId, projectId, signal, (client) => preflightVolume({ client, backup, params: p, ...(signal ? { signal } : {}) }));
  return preflightReport(name, [...proxyItems(d, providerId, backup.strategy), ...items]);
}

/** The domains defined on the host, or why they could not be read (no SSH settings, unreachable). */
async function domainNames(d: Pick<StrategyDeps, 'hypervisors'>, providerId: string, host: string, signal?: AbortSignal): Promise<string[] | Error> {
  try {
    const ssh = await d.hypervisors.connect(d.hypervisors.forServer(providerId, host, host), signal);
    try {
      const out = await ssh.run(['virsh', 'list', '--all', '--name'], signal ? { signal } : {});
      return out
        .split('\n')
        .map((n) => n.trim())
        .filter(Boolean);
    } finally {
      ssh.close();
    }
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
