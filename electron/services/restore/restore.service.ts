import type { z } from 'zod';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import { findBackup, parseRef } from '../../engine';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';
import { identityOfSource } from '../providers/cloud-identity';
import { resolveTargetCloud, type CloudLookup } from './target-cloud';

/** Starting restores: the restore point is looked up before a job is queued, so a wrong id fails at once. */
export class RestoreService {
  constructor(
    private readonly backups: BackupsTable,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobManager,
    private readonly providers: CloudLookup,
  ) {}

  async start(params: z.input<typeof RestoreInstanceParams>): Promise<{ jobId: string }> {
    const destinationId = params.destinationId ? this.destinations.get(params.destinationId).id : this.backups.get(params.backupId)?.destinationId;
    if (!destinationId) {
      throw new AppError('resource.notFound', `No restore point ${params.backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
    }
    // A cloud that is not in Backstack (removed, or the catalog lost) is said before a job is queued.
    const record = this.backups.get(params.backupId, destinationId);
    const what = record?.resourceName ?? params.backupId;
    if (params.providerId) resolveTargetCloud(this.providers, { given: params.providerId, providerId: null, cloud: null, what });
    else if (record?.providerId && !this.providers.find(record.providerId)) {
      // The catalog's id is gone: the manifest's Keystone URL and region may name a cloud added again.
      const ref = parseRef(params.backupId);
      const m = await this.destinations.withOpen(destinationId, (repo) => findBackup(repo, ref.group, ref.time));
      resolveTargetCloud(this.providers, { providerId: record.providerId, cloud: identityOfSource(m.source), what });
    }
    return { jobId: this.jobs.enqueue('restore.instance', { ...params, destinationId }).id };
  }
}
