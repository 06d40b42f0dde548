import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { EventName, InputOf, OutputOf, PayloadOf, RequestName } from '../../shared/ipc/contract';
import type { BackstackApi } from '../../shared/ipc/api';
import type { Result } from '../../shared/ipc/result';
import {
  BackupsRepo,
  HypervisorsRepo,
  InventoryRepo,
  JobsRepo,
  openCatalog,
  ProvidersRepo,
  RepositoriesRepo,
  SecretsRepo,
  SettingsRepo,
  type Catalog,
} from '../catalog';
import { RepositoriesService } from './repositories/repositories.service';
import { repositoryJobs } from './repositories/maintenance.jobs';
import { inventorySyncJob } from './inventory/sync.job';
import { backupInstanceJob } from './backup/backup.job';
import { restoreInstanceJob } from './restore/restore.job';
import { JobManager } from '../jobs/manager';
import { EventLoopMonitor } from '../lib/event-loop';
import { EventBus } from '../lib/events';
import { createLogger, type Logger } from '../lib/logger';
import { defaultKeyProtector, SecretBox, type KeyProtector } from '../lib/secret-box';
import { catalogBackupJob } from './catalog-backup.job';
import { createDispatch, type Dispatch } from './dispatch';
import { createHandlers } from './handlers';
import { ProvidersService } from './providers/providers.service';

export type Runtime = 'electron' | 'console' | 'cli';

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
  /** better-sqlite3's build for this runtime (the desktop app passes its Electron build); default: node_modules' */
  sqliteBinding?: string | undefined;
}

export interface Core {
  api: BackstackApi;
  dispatch: Dispatch;
  bus: EventBus;
  catalog: Catalog;
  jobs: JobManager;
  providers: ProvidersService;
  repositories: RepositoriesService;
  /** the catalog's index of restore points */
  backups: BackupsRepo;
  inventory: InventoryRepo;
  hypervisors: HypervisorsRepo;
  /** sealed secrets (passwords, SSH keys, passphrases); opens the master key on first use */
  secrets: () => SecretsRepo;
  logger: Logger;
  close(): Promise<void>;
}

/** The Electron-free heart of the app: every transport (IPC, console, CLI, tests) wraps this. */
export function createCore(opts: CoreOptions): Core {
  const logger = opts.logger ?? createLogger();
  const bus = new EventBus();
  const catalog = openCatalog(path.join(opts.dataDir, 'catalog.sqlite'), { nativeBinding: opts.sqliteBinding });
  const notify = (tables: string[]) => bus.emit('catalog.changed', { tables });
  const settings = new SettingsRepo(catalog.db, notify);
  const jobsRepo = new JobsRepo(catalog.db, notify);
  const providers = new ProvidersRepo(catalog.db, notify);
  const keyProtector = opts.keyProtector ?? defaultKeyProtector(opts.dataDir);
  // The key is loaded on first use: a CLI `status` never touches the keyring.
  let secrets: SecretsRepo | undefined;
  const getSecrets = () => (secrets ??= new SecretsRepo(catalog.db, new SecretBox(keyProtector.loadOrCreateKey())));
  const providersService = new ProvidersService(providers, getSecrets, opts.openstackDispatcher);
  const inventory = new InventoryRepo(catalog.db, notify);
  const hypervisors = new HypervisorsRepo(catalog.db, notify);
  const backups = new BackupsRepo(catalog.db, notify);
  const repositories = new RepositoriesService(new RepositoriesRepo(catalog.db, notify), backups, getSecrets);
  const jobs = new JobManager({ repo: jobsRepo, bus, maxConcurrent: () => settings.get().maxConcurrentJobs });
  jobs.register(catalogBackupJob(catalog));
  for (const k of repositoryJobs(repositories, backups)) jobs.register(k);
  jobs.register(inventorySyncJob({ providers: providersService, providersRepo: providers, inventory, hypervisors }));
  const strategyDeps = { providers: providersService, repositories, backups, hypervisors, secrets: getSecrets };
  jobs.register(backupInstanceJob(strategyDeps));
  jobs.register(restoreInstanceJob(strategyDeps));
  const loop = new EventLoopMonitor();

  if (opts.runJobs !== false) {
    const n = jobs.recoverInterrupted();
    if (n > 0) logger.warn(`${n} job(s) were interrupted when Backstack last stopped; they are marked "interrupted".`);
  }

  const handlers = createHandlers({
    catalog,
    settings,
    providers,
    providersService,
    jobsRepo,
    jobs,
    loop,
    inventory,
    hypervisors,
    repositories,
    backups,
    getSecrets,
    secretStorage: keyProtector.kind,
    runtime: opts.runtime,
    version: opts.version,
    versions: { node: process.versions.node, ...(opts.versions ?? {}) },
  });
  const dispatch = createDispatch(handlers, logger);

  const api: BackstackApi = {
    invoke: <N extends RequestName>(name: N, input: InputOf<N>) => dispatch(name, input) as Promise<Result<OutputOf<N>>>,
    on: <E extends EventName>(name: E, fn: (p: PayloadOf<E>) => void) => bus.on(name, fn),
  };

  return {
    api,
    dispatch,
    bus,
    catalog,
    jobs,
    providers: providersService,
    repositories,
    backups,
    inventory,
    hypervisors,
    secrets: getSecrets,
    logger,
    async close() {
      await jobs.shutdown();
      loop.stop();
      catalog.close();
    },
  };
}
