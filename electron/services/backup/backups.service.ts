import type { BackupInstanceParams, BackupView, BackupVolumeParams, ReleasedSnapshot } from '../../../shared/domain/backups';
import type { Instance } from '../../../shared/domain/inventory';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import { parseRef, setProtected } from '../../engine';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';
import type { ProvidersService } from '../providers/providers.service';
import type { StrategyDeps } from '../strategy';
import { releaseInstanceSnapshot } from './release-snapshot';

/** Restore points: starting a backup, listing what the catalog indexes, protecting one from pruning; releasing the snapshot kept for incrementals. */
export class BackupsService {
  constructor(
    private readonly table: BackupsTable,
    private readonly providers: ProvidersService,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobManager,
    private readonly strategy: StrategyDeps,
    /** marks what the rows themselves tell (an unusual change rate) */
    private readonly mark: (rows: BackupView[]) => BackupView[] = (rows) => rows,
  ) {}

  /**
   * Queues a backup once what it needs is there: a destination, and SSH settings for the hypervisor
   * the inventory places the instance on (libvirt strategy) or a proxy VM (disk attachment). An instance the inventory does not know
   * (or whose host it cannot see) is left to the job, which asks Nova.
   */
  start(params: z.input<typeof BackupInstanceParams>): { jobId: string } {
    const provider = this.providers.get(params.providerId);
    // resolved now: the job's per-destination limit and its log name the one it writes to
    const destinationId = (params.destinationId ? this.destinations.get(params.destinationId) : this.destinations.defaultDestination()).id;
    const instance = this.strategy.inventory.get<Instance>(provider.id, 'instance', params.instanceId);
    const strategy = params.strategy ?? provider.strategy;
    // only the libvirt strategy needs the hypervisor; disk attachment needs a proxy VM; image transfer neither
    if (strategy === 'libvirt-ssh' && instance && !instance.vanishedAt && (instance.data.host || instance.data.hypervisorHostname)) {
      this.strategy.hypervisors.forServer(provider.id, instance.data.host, instance.data.hypervisorHostname);
    }
    if (strategy === 'disk-attachment') this.strategy.proxies.forZone(provider.id, null);
    return { jobId: this.jobs.enqueue('backup.instance', { ...params, providerId: provider.id, destinationId }).id };
  }

  /** Queues a standalone volume's backup once a destination and a proxy VM of its cloud are there. */
  startVolume(params: z.input<typeof BackupVolumeParams>): { jobId: string } {
    const provider = this.providers.get(params.providerId);
    const destinationId = (params.destinationId ? this.destinations.get(params.destinationId) : this.destinations.defaultDestination()).id;
    this.strategy.proxies.forZone(provider.id, null);
    if (this.jobs.hasUnfinished('backup.volume', (p) => p.volumeId === params.volumeId))
      throw new AppError('validation.invalidInput', `A backup of volume ${params.volumeId} is already queued or running: start this one after it has ended.`);
    return { jobId: this.jobs.enqueue('backup.volume', { ...params, providerId: provider.id, destinationId }).id };
  }

  list(filter: { resourceId?: string | undefined; destinationId?: string | undefined; providerId?: string | undefined }): BackupView[] {
    return this.mark(this.table.list(filter));
  }

  /** Queues the clean-up of this installation's temporary Glance images left in a cloud by killed jobs (listed only, with dryRun). */
  cleanup(providerId: string, dryRun: boolean): { jobId: string } {
    const provider = this.providers.get(providerId);
    return { jobId: this.jobs.enqueue('backup.cleanup', { providerId: provider.id, dryRun }).id };
  }

  /** Merges/removes this installation's kept snapshot of an instance on its hypervisor; the next backup is full. */
  releaseSnapshot(providerId: string, instanceId: string): Promise<ReleasedSnapshot> {
    return releaseInstanceSnapshot(this.strategy, providerId, instanceId);
  }

  /** Written into the destination (every workstation sharing it honours it), then into the catalog. */
  async setProtected(destinationIdOrName: string, backupId: string, value: boolean): Promise<BackupView> {
    const destination = this.destinations.get(destinationIdOrName);
    await this.destinations.withOpen(destination.id, (repo) => setProtected(repo, parseRef(backupId), value));
    this.table.setProtected(destination.id, backupId, value);
    const record = this.table.get(backupId, destination.id);
    if (!record) throw new AppError('resource.notFound', `${backupId} is protected in ${destination.name}, but the catalog does not index it yet: re-index the destination.`);
    return record;
  }
}
