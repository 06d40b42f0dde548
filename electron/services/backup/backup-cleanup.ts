import { AppError } from '../../../shared/errors/codes';
import type { JobKind } from '../../jobs/types';
import * as os from '../../openstack';
import { IMAGE_MARK, markedOwner, removeImage } from '../../transfer/image-transfer';
import type { StrategyDeps } from '../strategy';
import { withSignedIn } from '../restore/target-cloud';
import { cleanupCinder } from './cinder-cleanup';

/**
 * `backup.cleanup`: the temporary Glance images the image-transfer strategy left behind when its
 * process was killed (a backup's snapshot image, a restore's uploaded image), and the temporary
 * Cinder snapshots and volumes of the disk-attachment strategy (cinder-cleanup.ts). Queued at start for
 * each interrupted backup or restore, and on demand (`backstack cleanup --provider N [--dry-run]`).
 * An image is removed only when all of these hold: it carries this installation's marks, its name
 * is the one the job gave it (a user's snapshot of a restored server inherits the marks through
 * Nova's image properties, never that name), it is not kept on purpose, and its job no longer runs
 * in any process on this catalog.
 */
export function backupCleanupJob(d: Pick<StrategyDeps, 'providers' | 'installation'>): JobKind<'backup.cleanup'> {
  return {
    kind: 'backup.cleanup',
    describeTarget: (p) =>
      p.jobId
        ? `what the interrupted job ${p.jobId.slice(0, 8)} left in Glance`
        : `temporary images left in ${p.providerId ? (d.providers.find(p.providerId)?.name ?? p.providerId) : 'the clouds'}`,
    maxAttempts: 3,
    async run(ctx) {
      const p = ctx.params;
      const me = d.installation.id;
      const clouds = p.providerId ? [d.providers.get(p.providerId)] : d.providers.list();
      const found: string[] = [];
      let failed = 0;
      for (const cloud of clouds) {
        await withSignedIn(d.providers.clients(cloud.id), ctx.signal, async (client) => {
          if (!client) {
            if (p.providerId) throw new AppError('auth.failed', `Could not sign in to ${cloud.name}: nothing was looked at.`);
            ctx.log('warn', `Could not sign in to ${cloud.name}: what was left there, if anything, is still there.`);
            return;
          }
          const image = await client.image(ctx.signal);
          // an admin sees every project's images with visibility=all; others see their own and shared ones
          const marked = await os
            .listImages(image, {
              visibility: 'all',
              properties: { [IMAGE_MARK.installation]: me, ...(p.jobId ? { [IMAGE_MARK.job]: p.jobId } : {}) },
              signal: ctx.signal,
            })
            .all();
          for (const img of marked) {
            const owner = markedOwner(img.properties);
            if (!owner || owner.installation !== me || (p.jobId && owner.jobId !== p.jobId)) continue;
            if (owner.purpose !== 'backup' && owner.purpose !== 'restore') continue; // kept on purpose
            if (!img.name.startsWith(`backstack-${owner.jobId.slice(0, 8)}-`)) continue;
            if (d.installation.isJobRunning(owner.jobId.replace(/-/g, ''))) {
              ctx.log(
                'info',
                `Image ${img.name} (${img.id}) in ${cloud.name} belongs to job ${owner.jobId.slice(0, 8)}, which is running: left alone.`,
              );
              continue;
            }
            const what = `image ${img.name} (${img.id}, ${img.status}) in ${cloud.name}, left by the ${owner.purpose} job ${owner.jobId.slice(0, 8)}`;
            found.push(`image ${img.name} (${img.id})`);
            if (p.dryRun) {
              ctx.log('info', `Would delete the ${what}.`);
              continue;
            }
            ctx.log('info', `Deleting the ${what}.`);
            if (!(await removeImage(image, img.id, (level, m) => ctx.log(level, m)))) failed++;
          }
          const cinder = await cleanupCinder(d, client, cloud.name, { jobId: p.jobId, dryRun: p.dryRun, signal: ctx.signal, log: (level, m) => ctx.log(level, m) });
          found.push(...cinder.found);
          failed += cinder.failed;
        });
      }
      if (failed)
        throw new AppError('internal', `${failed} of ${found.length} leftover(s) could not be deleted (see the log); run the clean-up again.`);
      if (!found.length) return { summary: 'Nothing of this installation was left in Glance or Cinder.' };
      return {
        summary: p.dryRun ? `Would delete ${found.length} leftover(s): ${found.join(', ')}.` : `Deleted ${found.length} leftover(s): ${found.join(', ')}.`,
      };
    },
  };
}
