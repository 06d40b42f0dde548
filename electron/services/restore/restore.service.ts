import type { z } from 'zod';
import { RestoreInstanceParams } from '../../../shared/domain/backups';
import { blockersMessage, type PreflightReport } from '../../../shared/domain/restore-preflight';
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
    /** the pre-flight (preflight-run.ts): what the target would refuse, found before anything is created */
    private readonly runPreflight: (p: RestoreInstanceParams, destinationId: string, signal?: AbortSignal) => Promise<PreflightReport>,
  ) {}

  /** Every conflict the restore would meet and what will happen; creates nothing. */
  async preflight(params: z.input<typeof RestoreInstanceParams>, signal?: AbortSignal): Promise<PreflightReport> {
    return this.runPreflight(RestoreInstanceParams.parse(params), this.checkedDestination(params), signal);
  }

  /** Queues the restore once its pre-flight finds nothing blocking; refused with every blocker otherwise. */
  async start(params: z.input<typeof RestoreInstanceParams>): Promise<{ jobId: string }> {
    const destinationId = this.checkedDestination(params);
    const report = await this.runPreflight(RestoreInstanceParams.parse(params), destinationId);
    if (report.blocked) throw new AppError('resource.conflict', blockersMessage(report), { details: { preflight: report } });
    return { jobId: this.jobs.enqueue('restore.instance', { ...params, destinationId }).id };
  }

  private checkedDestination(params: z.input<typeof RestoreInstanceParams>): string {
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
    return destinationId;
  }
}
