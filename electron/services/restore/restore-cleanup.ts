import * as os from '../../openstack';
import type { JobKind } from '../../jobs/types';
import type { StrategyDeps } from '../strategy';
import { withSignedIn } from './target-cloud';

/** The metadata keys a restore puts on the servers and volumes it creates. */
const MARK = { installation: 'backstack_installation', job: 'backstack_job' } as const;

export const restoreMarks = (installationId: string, jobId: string): Record<string, string> => ({
  [MARK.installation]: installationId,
  [MARK.job]: jobId,
});

const marked = (metadata: Record<string, string>, installationId: string, jobId: string) =>
  metadata[MARK.installation] === installationId && metadata[MARK.job] === jobId;

/** Every project's items for an admin; the signed-in project's otherwise (Nova and Cinder answer 403 to all_tenants). */
async function everyVisible<T>(list: (allTenants: boolean) => Promise<T[]>): Promise<T[]> {
  return list(true).catch((e: unknown) => (e instanceof os.OpenStackError && e.code === 'FORBIDDEN' ? list(false) : Promise.reject(e)));
}

/**
 * `restore.cleanup`: what a restore killed mid-way (crash, kill, power loss) created and could not
 * remove itself. Queued at start for each interrupted restore job; it finds, in every cloud this
 * installation knows, the servers and volumes carrying that job's and this installation's marks
 * (never another installation's, never a finished restore's) and deletes them.
 */
export function restoreCleanupJob(d: Pick<StrategyDeps, 'providers' | 'installation'>): JobKind<'restore.cleanup'> {
  return {
    kind: 'restore.cleanup',
    describeTarget: (p) => `what the interrupted restore ${p.jobId.slice(0, 8)} left in the cloud`,
    maxAttempts: 3,
    async run(ctx) {
      const { jobId } = ctx.params;
      const me = d.installation.id;
      const removed: string[] = [];
      for (const cloud of d.providers.list()) {
        await withSignedIn(d.providers.clients(cloud.id), ctx.signal, async (client) => {
          if (!client) {
            ctx.log('warn', `Could not sign in to ${cloud.name}: what the restore left there, if anything, is still there.`);
            return;
          }
          const wait = { signal: ctx.signal, clock: client.clock, timeoutMs: 10 * 60_000 };
          const compute = await client.compute(ctx.signal);
          const servers = (await everyVisible((allTenants) => os.listServers(compute, { allTenants, signal: ctx.signal }).all())).filter((s) =>
            marked(s.metadata, me, jobId),
          );
          for (const s of servers) {
            ctx.log('info', `Deleting server ${s.name} (${s.id}) in ${cloud.name}, created by the interrupted restore.`);
            await os.deleteServer(compute, s.id, { signal: ctx.signal });
            await os.waitForServerDeleted(compute, s.id, wait);
            removed.push(`server ${s.name}`);
          }
          const bs = await client.blockStorage(ctx.signal);
          const volumes = (await everyVisible((allTenants) => os.listVolumes(bs, { allTenants, signal: ctx.signal }).all())).filter((v) =>
            marked(v.metadata, me, jobId),
          );
          for (const v of volumes) {
            // detached when its server went (above); one still attached elsewhere is not ours to pull away
            const now = v.status === 'available' || v.status === 'error' ? v : await os.waitForVolumeStatus(bs, v.id, 'available', wait);
            ctx.log('info', `Deleting volume ${now.name || now.id} (${now.id}) in ${cloud.name}, created by the interrupted restore.`);
            await os.deleteVolume(bs, v.id, { signal: ctx.signal });
            await os.waitForVolumeDeleted(bs, v.id, wait);
            removed.push(`volume ${now.name || now.id}`);
          }
        });
      }
      return { summary: removed.length ? `Removed ${removed.join(', ')}.` : 'The interrupted restore left nothing in the clouds.' };
    },
  };
}
