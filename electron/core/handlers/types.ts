import type { OutputOf, ParsedInputOf, RequestName } from '../../../shared/ipc/contract';
import type { AppService } from '../../services/app/app.service';
import type { BackupsService } from '../../services/backup/backups.service';
import type { DashboardService } from '../../services/dashboard/dashboard.service';
import type { CopiesService } from '../../services/copies/copies.service';
import type { DestinationsService } from '../../services/destinations/destinations.service';
import type { ExportsService } from '../../services/exports/exports.service';
import type { DragOut } from '../../services/files/drag-out';
import type { FilesService } from '../../services/files/files.service';
import type { FilesSearchService } from '../../services/files/files-search.service';
import type { HypervisorsService } from '../../services/hypervisors/hypervisors.service';
import type { InventoryService } from '../../services/inventory/inventory.service';
import type { JobsService } from '../../services/jobs/jobs.service';
import type { SmtpService } from '../../services/notifications/smtp.service';
import type { PoliciesService } from '../../services/policies/policies.service';
import type { Scheduler } from '../../services/policies/scheduler';
import type { ProvidersService } from '../../services/providers/providers.service';
import type { ProxiesService } from '../../services/proxies/proxies.service';
import type { RestoreService } from '../../services/restore/restore.service';
import type { SnapshotsService } from '../../services/snapshots/snapshots.service';

/** One handler per contract request; a missing or mistyped one is a compile error. */
export type Handlers = {
  [N in RequestName]: (input: ParsedInputOf<N>) => Promise<OutputOf<N>> | OutputOf<N>;
};

/** The handlers of one contract namespace ("jobs" → jobs.list, jobs.get …). */
export type NamespaceHandlers<NS extends string> = Pick<Handlers, Extract<RequestName, `${NS}.${string}`>>;

/** The use cases handlers call; they hold the logic, handlers only map requests onto them. */
export interface Services {
  app: AppService;
  providers: ProvidersService;
  inventory: InventoryService;
  hypervisors: HypervisorsService;
  proxies: ProxiesService;
  backups: BackupsService;
  policies: PoliciesService;
  scheduler: Scheduler;
  restore: RestoreService;
  destinations: DestinationsService;
  copies: CopiesService;
  jobs: JobsService;
  /** the mail server notifications go through */
  smtp: SmtpService;
  dashboard: DashboardService;
  snapshots: SnapshotsService;
  /** disks of restore points served over NBD while this process runs */
  exports: ExportsService;
  /** file-level restore: browsing restore points' file systems */
  files: FilesService;
  /** the desktop app's drag to restore: selections copied out for the drag */
  dragOut: DragOut;
  fileSearch: FilesSearchService;
}
