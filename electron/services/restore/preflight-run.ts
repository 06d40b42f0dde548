import { resolveTargetCloud } from './target-cloud';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import { defaultRestoreName } from '../../../shared/domain/backups';
import { preflightReport, type PreflightReport } from '../../../shared/domain/restore-preflight';
import { findBackup, parseRef } from '../../engine';
import type * as os from '../../openstack';
import type { StrategyDeps } from '../strategy';
import { readInstanceBackup, type InstanceBackupMetadata } from './backup-metadata';
import { preflightLibvirt, preflightNova } from './preflight';

/** The pre-flight of a restore as the app runs it: the restore point read from its destination, the target signed in to. */
export async function runRestorePreflight(
  d: Pick<StrategyDeps, 'destinations' | 'providers' | 'hypervisors' | 'inventory'>,
  p: RestoreInstanceParams,
  destinationId: string,
  signal?: AbortSignal,
): Promise<PreflightReport> {
  const ref = parseRef(p.backupId);
  const repo = await d.destinations.open(destinationId);
  let backup: InstanceBackupMetadata;
  try {
    const manifest = await findBackup(repo, ref.group, ref.time);
    try {
      backup = readInstanceBackup(manifest);
    } catch {
      return preflightReport(p.name ?? p.backupId, [
        {
          severity: 'blocker',
          field: 'restorePoint',
          item: 'Restore point',
          message: 'It is not a backup of an instance (libvirt strategy): restore its disks to files with backstack destination folder disk-restore.',
        },
      ]);
    }
  } finally {
    await repo.close();
  }
  const name = p.name ?? defaultRestoreName(backup.serverName, backup.createdAt);
  // The same cloud the restore job will use: given, else found by its Keystone URL and region.
  const providerId = resolveTargetCloud(d.providers, { given: p.providerId, providerId: backup.providerId, cloud: backup.cloud, what: backup.serverName }).id;
  if (p.target === 'libvirt') {
    const host = p.host ?? backup.host;
    return preflightReport(name, preflightLibvirt(backup, p, host, host ? await domainNames(d, providerId, host, signal) : []));
  }
  const projectId = p.projectId ?? backup.server.projectId;
  if (!projectId) {
    return preflightReport(name, [
      { severity: 'blocker', field: 'project', item: 'Project', message: 'The backup does not say which project the instance was in: choose one.' },
    ]);
  }
  const entries = d.providers.clients(providerId, () => ({ kind: 'project', id: projectId }));
  try {
    const client = await firstSignedIn(
      entries.map((e) => e.client),
      signal,
    );
    if (!client) {
      // named as the synced inventory knows it (the id alone when it does not)
      const known = d.inventory.get(providerId, 'project', projectId)?.name;
      const project = known ? `${known} (${projectId})` : projectId;
      return preflightReport(name, [
        {
          severity: 'blocker',
          field: 'project',
          item: `Project ${project}`,
          message: `No account of this cloud can work in project ${project}: choose another project, or give an account a role in it.`,
        },
      ]);
    }
    return preflightReport(name, await preflightNova({ client, backup, params: p, projectId, ...(signal ? { signal } : {}) }));
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}

/** The first client that signs in (an account without a role in the project fails). */
async function firstSignedIn(clients: os.ProviderClient[], signal?: AbortSignal): Promise<os.ProviderClient | undefined> {
  for (const c of clients) {
    if (
      await c.authenticate(signal).then(
        () => true,
        () => false,
      )
    )
      return c;
  }
  return undefined;
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
