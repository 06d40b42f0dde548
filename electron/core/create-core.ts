import { z } from 'zod';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { Runtime, Settings } from '../../shared/domain/app';
import type { KeepRules } from '../../shared/domain/destinations';
import type { BackstackApi } from '../../shared/ipc/api';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import {
  type BackupRecord,
  BackupsTable,
  DashboardQueries,
  DestinationsTable,
  HypervisorsTable,
  InventoryTable,
  JobsTable,
  openCatalog,
  PoliciesTable,
  ProvidersTable,
  SchedulerLeaseTable,
  SecretsTable,
  SettingsTable,
  type Catalog,
} from '../catalog';
import { JobManager } from '../jobs/manager';
import { registerErrorConverter } from '../lib/errors';
import { EventLoopMonitor } from '../lib/event-loop';
import { EventBus } from '../lib/events';
import { createLogger, type Logger } from '../lib/logger';
import { defaultKeyProtector, SecretBox, type KeyProtector } from '../lib/secret-box';
import { AppService } from '../services/app/app.service';
import { catalogBackupJob } from '../services/app/catalog-backup.job';
import { backupInstanceJob } from '../services/backup/backup.job';
import { BackupsService } from '../services/backup/backups.service';
import { DashboardService } from '../services/dashboard/dashboard.service';
import { DestinationsService } from '../services/destinations/destinations.service';
import { DragOut } from '../services/files/drag-out';
import { FilesService } from '../services/files/files.service';
import { filesRestoreJob } from '../services/files/files-restore.job';
import { guestRestoreJob, sshGuestAgents, type GuestAgents } from '../services/files/guest-restore.job';
import { FilesSearchService } from '../services/files/files-search.service';
import { filesIndexJob } from '../services/files/files-index.job';
import { destinationJobs } from '../services/destinations/maintenance.jobs';
import { CopiesService } from '../services/copies/copies.service';
import { copyJobs } from '../services/copies/copies.jobs';
import { ExportsService } from '../services/exports/exports.service';
import { HypervisorsService } from '../services/hypervisors/hypervisors.service';
import { ProxiesService } from '../services/proxies/proxies.service';
import { InventoryService } from '../services/inventory/inventory.service';
import { inventorySyncJob } from '../services/inventory/sync.job';
import { JobsService } from '../services/jobs/jobs.service';
import { queueBootCheckIfDue } from '../services/policies/boot-checks';
import { eventsOfBackupJob, spaceOf, unusualChangeNote, withUnusualChanges } from '../services/notifications/job-events';
import { Notifier } from '../services/notifications/notifier';
import { RpoWatch } from '../services/notifications/rpo-watch';
import { SmtpService } from '../services/notifications/smtp.service';
import { catalogEpisodes } from '../services/notifications/state';
import { openStackToAppError } from '../services/openstack-errors';
import { PoliciesService } from '../services/policies/policies.service';
import { Scheduler } from '../services/policies/scheduler';
import { SnapshotsService } from '../services/snapshots/snapshots.service';
import { ProvidersService } from '../services/providers/providers.service';
import { sshRestoreHosts, type RestoreHostsFactory } from '../services/restore/restore-hosts';
import { restoreCleanupJob } from '../services/restore/restore-cleanup';
import { backupCleanupJob } from '../services/backup/backup-cleanup';
import { backupVolumeJob } from '../services/backup/volume-backup.job';
import { restoreInPlaceJob, restoreInstanceJob, restoreVolumeJob } from '../services/restore/restore.job';
import { restoreVerifyJob } from '../services/restore/restore-verify.job';
import { describeRestorePoint, runRestorePreflight, runVolumePreflight } from '../services/restore/preflight-run';
import { RestoreService } from '../services/restore/restore.service';
import { createDispatch, type Dispatch } from './dispatch';
import { createHandlers, type Services } from './handlers';

export interface CoreOptions {
  dataDir: string;
  runtime: Runtime;
  version: string;
  /** runs jobs and marks those a crash left behind as interrupted; false for read-only CLI use */
  runJobs?: boolean;
  logger?: Logger;
  versions?: Record<string, string>;
  /** where the master key of stored secrets lives; default: OS keyring, else a key file */
  keyProtector?: KeyProtector;
  /** replaces the network of every OpenStack client (scale benchmarks over a MockAgent cloud) */
  openstackDispatcher?: Dispatcher;
  /** runs policies' schedules (the desktop app, console mode, `backstack serve`); one process per catalog holds it */
  scheduler?: boolean;
  /** how another process names this one when it holds the scheduler ("backstack serve", "the desktop app") */
  processLabel?: string;
  /** the time OpenStack clients wait and retry by (a MockAgent cloud's virtual clock: tests never sleep) */
  openstackClock?: ConstructorParameters<typeof ProvidersService>[3];
  /** better-sqlite3's build for this runtime (the desktop app passes its Electron build); default: node_modules' */
  sqliteBinding?: string | undefined;
  /** the hypervisors restores write disks on; default over SSH (tests of a whole restore give a fake) */
  restoreHosts?: RestoreHostsFactory;
  /** how file restores into an instance reach its guest agent (default: its hypervisor over SSH); tests give a fake guest */
  guestAgents?: GuestAgents;
}

export interface Core {
  api: BackstackApi;
  dispatch: Dispatch;
  bus: EventBus;
  catalog: Catalog;
  jobs: JobManager;
  /** the use cases, for in-process callers (CLI commands that are not requests, tests) */
  services: Services;
  /** sends what policies' notification rules report (idle(): everything seen so far is sent) */
  notifier: Notifier;
  logger: Logger;
  close(): Promise<void>;
}

/** Backups per cloud, hypervisor and destination, as Settings limit them; other slots are unlimited. */
function slotLimit(s: Settings, slot: string): number | undefined {
  if (slot.startsWith('cloud:')) return s.maxBackupsPerCloud;
  if (slot.startsWith('host:')) return s.maxBackupsPerHost;
  if (slot.startsWith('destination:')) return s.maxBackupsPerDestination;
  return undefined;
}

/** The Electron-free heart of the app: every transport (IPC, console, CLI, tests) wraps this. */
export function createCore(opts: CoreOptions): Core {
  const logger = opts.logger ?? createLogger();
  // The OpenStack SDK's errors cannot describe themselves at the boundary: this maps them.
  registerErrorConverter(openStackToAppError);
  const bus = new EventBus();
  const catalog = openCatalog(path.join(opts.dataDir, 'catalog.sqlite'), { nativeBinding: opts.sqliteBinding });
  const notify = (tables: PayloadOf<'catalog.changed'>['tables']) => bus.emit('catalog.changed', { tables });
  const settings = new SettingsTable(catalog.db, notify);
  const jobsTable = new JobsTable(catalog.db, notify);
  const providersTable = new ProvidersTable(catalog.db, notify);
  const backupsTable = new BackupsTable(catalog.db, notify);
  const keyProtector = opts.keyProtector ?? defaultKeyProtector(opts.dataDir);
  // The key is loaded on first use: a CLI `status` never touches the keyring.
  let secretsTable: SecretsTable | undefined;
  const secrets = () => (secretsTable ??= new SecretsTable(catalog.db, new SecretBox(keyProtector.loadOrCreateKey())));

  const manager = new JobManager({ table: jobsTable, bus, maxConcurrent: () => settings.get().maxConcurrentJobs, slotLimit: (slot) => slotLimit(settings.get(), slot) });
  const providers = new ProvidersService(providersTable, secrets, opts.openstackDispatcher, opts.openstackClock);
  const inventoryTable = new InventoryTable(catalog.db, notify);
  const destinations = new DestinationsService(new DestinationsTable(catalog.db, notify), backupsTable, secrets, manager, { providers, inventory: inventoryTable });
  const copies = new CopiesService(settings, secrets, manager, destinations);
  const hypervisorsTable = new HypervisorsTable(catalog.db, notify);
  const hypervisors = new HypervisorsService(hypervisorsTable, secrets, providers);
  const proxies = new ProxiesService(settings, secrets, providers, hypervisors);
  const jobs = new JobsService(jobsTable, manager);
  const inventoryService = new InventoryService(inventoryTable, providersTable, providers, manager);
  const loop = new EventLoopMonitor();
  const installation = {
    id: catalog.installationId(),
    isJobRunning: (tag: string) => manager.isRunning(tag),
    // running here or in a live process on this catalog (a crashed one's "running" rows do not count)
    backupRunning: (instanceId: string, except?: string) =>
      jobsTable
        .listUnfinished()
        .find((j) => j.kind === 'backup.instance' && j.id !== except && (j.params as { instanceId?: string }).instanceId === instanceId && manager.isRunning(j.id.replace(/-/g, '').slice(0, 8)))?.id ?? null,
  };
  const policiesTable = new PoliciesTable(catalog.db, notify);
  const strategy = {
    providers,
    destinations,
    backups: backupsTable,
    inventory: inventoryTable,
    hypervisors,
    proxies,
    restoreHosts: opts.restoreHosts ?? sshRestoreHosts,
    installation,
    retentionFor: (policyId: string): KeepRules | null => policies.retentionFor(policyId),
    unusualChange: (record: BackupRecord, policyId: string | undefined) => unusualChangeNote({ policies: policiesTable, backups: backupsTable }, record, policyId),
    bootCheck: (record: BackupRecord, policyId: string | undefined) =>
      queueBootCheckIfDue(
        {
          verifyEveryDays: (id) => policiesTable.get(id)?.spec.verifyEveryDays ?? null,
          history: (resourceId) => backupsTable.list({ resourceId }),
          unfinished: () => jobsTable.listUnfinished(),
          // `services` is built below; a backup only runs once the core is up
          queue: (backupId, destinationId) => services.restore.verify({ backupId, destinationId }),
          now: () => new Date(),
        },
        record,
        policyId,
      ),
    indexFiles: (record: BackupRecord) => void manager.enqueue('files.index', { backupId: record.id, destinationId: record.destinationId }),
    copyAfter: (record: BackupRecord, policyId: string | undefined) => {
      const to = policyId ? policiesTable.get(policyId)?.spec.copyTo : null;
      if (!to) return null;
      try {
        const { jobId } = copies.startCopy({ destinationId: record.destinationId, targetId: to, backupIds: [record.id] });
        return { level: 'info' as const, message: `Copy to ${copies.target(to).name} queued (job ${jobId}): the policy copies each restore point there.` };
      } catch (e) {
        return { level: 'warn' as const, message: `The policy copies each restore point to a copy target, but this one's copy was not queued: ${(e as Error).message}` };
      }
    },
  };
  const backups = new BackupsService(backupsTable, providers, destinations, manager, strategy, (rows) => withUnusualChanges(rows, policiesTable));
  const snapshots = new SnapshotsService({ providers, inventory: inventoryService, installationId: installation.id, jobs: manager });
  const policies = new PoliciesService(policiesTable, inventoryTable, destinations, providers, backups, copies, (instanceId) => installation.backupRunning(instanceId));
  const scheduler = new Scheduler({
    policies,
    table: policiesTable,
    lease: new SchedulerLeaseTable(catalog.db),
    maintenance: { runDue: (log) => destinations.runDueGc(log) },
    me: { owner: manager.owner, pid: process.pid, runtime: opts.processLabel ?? { electron: 'the desktop app', console: 'backstack console', cli: 'backstack' }[opts.runtime] },
    log: (level, m) => logger[level](m),
  });
  const smtp = new SmtpService(settings, secrets);
  const episodes = catalogEpisodes(settings);
  const cloudName = (id: string) => providers.find(id)?.name ?? id;
  const notifier = new Notifier({
    bus,
    jobs: jobsTable,
    owner: manager.owner,
    eventsOf: (job) =>
      eventsOfBackupJob(job, {
        policies: policiesTable,
        backups: backupsTable,
        names: { cloud: cloudName, instance: (providerId, instanceId) => inventoryTable.get(providerId, 'instance', instanceId)?.name ?? null },
        destination: (id) => destinations.list().find((d) => d.id === id),
        space: spaceOf,
        episodes,
        now: () => new Date(),
      }),
    mail: smtp,
    log: (level, m) => logger[level](m),
  });
  const rpo = new RpoWatch({
    policies: () => policiesTable.list().map((p) => ({ id: p.id, spec: p.spec, updatedAt: p.updatedAt, members: policiesTable.members(p.id) })),
    cloudName,
    episodes,
    post: (events) => notifier.post(events),
    isLeader: () => scheduler.running,
  });
  const files = new FilesService(destinations, backupsTable, undefined, manager);
  const services: Services = {
    app: new AppService(
      {
        runtime: opts.runtime,
        version: opts.version,
        versions: { node: process.versions.node, ...(opts.versions ?? {}) },
        secretStorage: keyProtector.kind,
      },
      catalog,
      settings,
      providersTable,
      jobs,
      manager,
      loop,
    ),
    providers,
    inventory: inventoryService,
    hypervisors,
    proxies,
    backups,
    policies,
    scheduler,
    restore: new RestoreService(backupsTable, destinations, manager, providers, {
      instance: (p, destinationId, signal) => runRestorePreflight(strategy, p, destinationId, signal),
      volume: (p, destinationId, signal) => runVolumePreflight(strategy, p, destinationId, signal),
      describe: (backupId, destinationId) => describeRestorePoint(strategy, backupId, destinationId),
    }, {
      get: (providerId) => settings.readValue(`verifySandboxProject:${providerId}`, z.string().min(1)),
      set: (providerId, projectId) => settings.writeValue(`verifySandboxProject:${providerId}`, projectId),
    }),
    destinations,
    copies,
    jobs,
    smtp,
    snapshots,
    dashboard: new DashboardService({ queries: new DashboardQueries(catalog.db), policies: () => policiesTable.list(), scheduler: () => scheduler.status() }),
    exports: new ExportsService(backupsTable, destinations, (level, m) => logger[level](m)),
    files,
    dragOut: new DragOut(files, path.join(opts.dataDir, 'drag-out')),
    fileSearch: new FilesSearchService(destinations, backupsTable, manager, (providerId, instanceId) =>
      providerId ? (inventoryTable.get(providerId, 'instance', instanceId)?.projectId ?? null) : null,
    ),
  };

  for (const kind of [
    catalogBackupJob(catalog),
    ...destinationJobs(destinations, backupsTable),
    ...copyJobs(copies, destinations),
    inventorySyncJob({ providers, providersTable, inventory: inventoryTable, hypervisors: hypervisorsTable, afterSync: () => policies.applyRules() }),
    backupInstanceJob(strategy),
    backupVolumeJob(strategy),
    restoreInstanceJob(strategy),
    restoreVolumeJob(strategy),
    restoreInPlaceJob(strategy),
    restoreCleanupJob(strategy),
    backupCleanupJob(strategy),
    restoreVerifyJob(strategy),
    snapshots.jobKind(),
    filesRestoreJob(services.files),
    guestRestoreJob(strategy, services.files, opts.guestAgents ?? sshGuestAgents(strategy)),
    filesIndexJob(services.fileSearch),
  ]) {
    manager.register(kind);
  }

  if (opts.runJobs !== false) {
    const interrupted = manager.recoverInterrupted();
    if (interrupted.length > 0) logger.warn(`${interrupted.length} job(s) were interrupted when Backstack last stopped; they are marked "interrupted".`);
    // A restore killed mid-way may have left a server or volumes in the cloud: removed by a job of their own.
    for (const j of interrupted) if (['restore.instance', 'restore.volume', 'restore.verify'].includes(j.kind)) manager.enqueue('restore.cleanup', { jobId: j.id });
    // An image-transfer or disk-attachment backup or a restore killed mid-way may have left temporary
    // Glance images or Cinder snapshots and volumes (a restore's strategy is its restore point's,
    // unknown here: every interrupted restore is looked at).
    const inCloud = (p: { strategy?: string; providerId?: string }) =>
      ['image-transfer', 'disk-attachment'].includes((p.strategy ?? (p.providerId ? providers.find(p.providerId)?.strategy : undefined)) ?? '');
    for (const j of interrupted)
      if ((j.kind === 'backup.instance' && inCloud((jobsTable.get(j.id)?.params ?? {}) as { strategy?: string; providerId?: string })) || j.kind === 'restore.instance') manager.enqueue('backup.cleanup', { jobId: j.id });
  }

  // After the recovery above: what a crash interrupted is not reported by every process that opens the catalog.
  if (opts.runJobs !== false) notifier.start();
  if (opts.scheduler && scheduler.start().running) rpo.start();

  const dispatch = createDispatch(createHandlers(services), logger);
  const api: BackstackApi = {
    invoke: <N extends RequestName>(name: N, input: InputOf<N>) => dispatch(name, input) as Promise<Result<OutputOf<N>>>,
    on: <E extends EventName>(name: E, fn: (p: PayloadOf<E>) => void) => bus.on(name, fn),
  };

  return {
    api,
    dispatch,
    bus,
    catalog,
    jobs: manager,
    services,
    notifier,
    logger,
    async close() {
      // Exports read restore points through the destinations: they stop before anything else.
      await services.exports.stopAll();
      rpo.stop();
      scheduler.stop();
      await manager.shutdown();
      await services.files.close();
      services.dragOut.close();
      await notifier.close();
      loop.stop();
      catalog.close();
    },
  };
}
