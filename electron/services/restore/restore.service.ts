import type { z } from 'zod';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';

/** Starting restores: the restore point is looked up before a job is queued, so a wrong id fails at once. */
export class RestoreService {
  constructor(
    private readonly backups: BackupsTable,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobManager,
  ) {}

  start(params: z.input<typeof RestoreInstanceParams>): { jobId: string } {
    const destinationId = params.destinationId ? this.destinations.get(params.destinationId).id : this.backups.get(params.backupId)?.destinationId;
    if (!destinationId) {
      throw new AppError('resource.notFound', `No restore point ${params.backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
    }
    return { jobId: this.jobs.enqueue('restore.instance', { ...params, destinationId }).id };
  }
}
