import { AppError } from '../../../shared/errors/codes';
import { findBackup, parseRef } from '../../engine';
import type { JobKind } from '../../jobs/types';
import type * as os from '../../openstack';
import { describeInstance, type StrategyDeps } from '../strategy';
import { readInstanceBackup } from './backup-metadata';
import { restoreThroughLibvirt } from './libvirt-restore';
import { restoreThroughNova } from './nova-restore';
import { resolveTargetCloud } from './target-cloud';

/** "instance web-1 (lab) as of 2026-12-01 10:00 UTC" when the catalog indexes the restore point, else its id. */
function describeRestorePoint(d: StrategyDeps, backupId: string, destinationId: string | undefined): string {
  const b = d.backups.get(backupId, destinationId);
  if (!b) return `restore point ${backupId}`;
  const at = `${b.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
  // The name the backup recorded: the instance may be gone or renamed since.
  const what = b.resourceKind === 'instance' ? describeInstance(d, b.providerId, b.resourceId, b.resourceName) : `${b.resourceKind} ${b.resourceName || b.resourceId}`;
  return `${what} as of ${at}`;
}

/** `restore.instance`: an instance back from a libvirt-strategy backup, through Nova or `virsh define`. */
export function restoreInstanceJob(d: StrategyDeps): JobKind<'restore.instance'> {
  return {
    kind: 'restore.instance',
    describeTarget: (p) => describeRestorePoint(d, p.backupId, p.destinationId),
    maxAttempts: 1,
    async run(ctx) {
      const p = ctx.params;
      const record = d.backups.get(p.backupId);
      const destinationId = p.destinationId ?? record?.destinationId;
      if (!destinationId)
        throw new AppError('resource.notFound', `No restore point ${p.backupId} in the catalog: name its destination with --destination, or re-index the destination.`);
      const ref = parseRef(p.backupId);
      // Each step is the job's phase, so the job list says what a long restore is doing.
      const progress = (phase: string, bytes?: { done: number; total: number | null }) =>
        ctx.progress({ phase, unit: 'bytes', bytesDone: bytes?.done ?? 0, bytesTotal: bytes?.total ?? null });
      progress('Reading the restore point');
      const repo = await d.destinations.open(destinationId);
      const entries: { client: os.ProviderClient }[] = [];
      try {
        const manifest = await findBackup(repo, ref.group, ref.time);
        const backup = readInstanceBackup(manifest);
        ctx.log('info', `Restoring ${backup.serverName} from ${manifest.id} (${manifest.disks.map((x) => x.name).join(', ')}).`);
        const log = (level: 'info' | 'warn', m: string) => ctx.log(level, m);
        const cloud = resolveTargetCloud(d.providers, { given: p.providerId, providerId: backup.providerId, cloud: backup.cloud, what: backup.serverName });
        if (cloud.id !== backup.providerId) ctx.log('info', `Restoring into the cloud ${cloud.name} (${cloud.authUrl}, region ${cloud.region}).`);
        const common = { params: p, backup, backupRef: ref, providerId: cloud.id, signal: ctx.signal, log, progress };
        if (p.target === 'libvirt') {
          const r = await restoreThroughLibvirt({ ...common, repo, hypervisors: d.hypervisors, verify: p.verify });
          progress('Restored');
          return { summary: `Domain ${r.domainName} defined on ${r.host}${r.started ? ' and started' : ''}.` };
        }
        const projectId = p.projectId ?? backup.server.projectId;
        if (!projectId) throw new AppError('validation.invalidInput', 'The backup does not say which project the instance was in: choose one.');
        // Created in the chosen project: the clients are scoped to it.
        entries.push(...d.providers.clients(cloud.id, () => ({ kind: 'project', id: projectId })));
        progress('Signing in to the cloud');
        let client: os.ProviderClient | undefined;
        for (const e of entries) {
          const ok = await e.client.authenticate(ctx.signal).then(
            () => true,
            (err: unknown) => (ctx.signal.aborted ? Promise.reject(err) : false),
          );
          if (ok) {
            client = e.client;
            break;
          }
        }
        if (!client) throw new AppError('auth.failed', `No account of this cloud can work in project ${projectId}.`);
        const hosts = d.restoreHosts({ hypervisors: d.hypervisors, providerId: cloud.id, repo, ref, verify: p.verify, signal: ctx.signal, log });
        const r = await restoreThroughNova({ ...common, client, hosts });
        progress('Restored');
        return { summary: `Server ${r.name} (${r.serverId}) restored and ${r.status}.` };
      } finally {
        await repo.close();
        await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
      }
    },
  };
}
