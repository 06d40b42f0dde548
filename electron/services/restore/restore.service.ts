import type { z } from 'zod';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';
import type { ProvidersService } from '../providers/providers.service';

/** Starting restores: the restore point is looked up before a job is queued, so a wrong id fails at once. */
export class RestoreService {
  constructor(
    private readonly backups: BackupsTable,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobManager,
    private readonly providers: Pick<ProvidersService, 'find'>,
  ) {}

  start(params: z.input<typeof RestoreInstanceParams>): { jobId: string } {
    const destinationId = params.destinationId ? this.destinations.get(params.destinationId).id : this.backups.get(params.backupId)?.destinationId;
    if (!destinationId) {
      throw new AppError('resource.notFound', `No restore point ${params.backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
    }
    // An instance goes back to the cloud it was taken from: a removed cloud is said before a job is queued.
    const record = this.backups.get(params.backupId, destinationId);
    if (record?.providerId && !this.providers.find(record.providerId)) {
      throw new AppError(
        'resource.notFound',
        `The cloud that ${record.resourceName} was backed up from is no longer in Backstack (it was removed); an instance is restored into the cloud it came from. The restore point is kept: its disks can be restored to files with backstack destination folder disk-restore.`,
      );
    }
    return { jobId: this.jobs.enqueue('restore.instance', { ...params, destinationId }).id };
  }
}
