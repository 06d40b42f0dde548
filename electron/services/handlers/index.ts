import type { Catalog, HypervisorsRepo, InventoryRepo, JobsRepo, ProvidersRepo, SecretsRepo, SettingsRepo } from '../../catalog';
import { inventoryHandlers } from './inventory';
import { backupHandlers } from './backups';
import type { BackupsRepo } from '../../catalog';
import { repositoryHandlers } from './repositories';
import type { RepositoriesService } from '../repositories/repositories.service';
import type { SecretStorageKind } from '../../lib/secret-box';
import type { JobManager } from '../../jobs/manager';
import type { EventLoopMonitor } from '../../lib/event-loop';
import type { ProvidersService } from '../providers/providers.service';
import type { Handlers } from '../dispatch';
import type { Runtime } from '../core';
import { AppError } from '../../../shared/errors/codes';

export interface HandlerDeps {
  catalog: Catalog;
  settings: SettingsRepo;
  providers: ProvidersRepo;
  providersService: ProvidersService;
  jobsRepo: JobsRepo;
  jobs: JobManager;
  loop: EventLoopMonitor;
  inventory: InventoryRepo;
  hypervisors: HypervisorsRepo;
  repositories: RepositoriesService;
  backups: BackupsRepo;
  getSecrets: () => SecretsRepo;
  secretStorage: SecretStorageKind;
  runtime: Runtime;
  version: string;
  versions: Record<string, string>;
}

export function createHandlers(d: HandlerDeps): Handlers {
  return {
    ...repositoryHandlers(d.repositories, d.jobs),
    ...inventoryHandlers({ inventory: d.inventory, hypervisors: d.hypervisors, providers: d.providers, jobs: d.jobs }),
    ...backupHandlers({ backups: d.backups, hypervisors: d.hypervisors, providers: d.providers, jobs: d.jobs, getSecrets: d.getSecrets }),
    'app.getStatus': () => ({
      version: d.version,
      runtime: d.runtime,
      catalogPath: d.catalog.path,
      schemaVersion: d.catalog.schemaVersion(),
      providersCount: d.providers.count(),
      jobsRunning: d.jobsRepo.countByState('running'),
      eventLoopDelayP99Ms: d.loop.p99Ms(),
      secretStorage: d.secretStorage,
      versions: d.versions,
    }),
    'settings.get': () => d.settings.get(),
    'settings.update': (patch) => d.settings.update(patch),
    'providers.list': () => ({ items: d.providersService.list() }),
    'providers.test': ({ provider, acceptFingerprint }) => d.providersService.test(provider, { acceptFingerprint }),
    'providers.add': async ({ provider, acceptFingerprint }) => (await d.providersService.add(provider, { acceptFingerprint })).provider,
    'providers.retest': ({ id }) => d.providersService.retest(id),
    'providers.remove': ({ id }) => {
      d.providersService.remove(id);
      return { removed: true as const };
    },
    'jobs.list': (i) => d.jobsRepo.list({ ...(i.states ? { states: i.states } : {}), limit: i.limit, ...(i.cursor ? { cursor: i.cursor } : {}) }),
    'jobs.get': ({ id }) => d.jobs.get(id),
    'jobs.getLog': ({ id, afterSeq, limit }) => {
      if (!d.jobsRepo.get(id)) throw new AppError('resource.notFound', `No job with id ${id}.`);
      return { items: d.jobsRepo.listLog(id, afterSeq, limit) };
    },
    'jobs.cancel': ({ id }) => d.jobs.cancel(id),
    'jobs.retry': ({ id }) => ({ jobId: d.jobs.retry(id).id }),
    'catalog.startBackup': ({ destination }) => ({ jobId: d.jobs.enqueue('catalog.backup', { destination }).id }),
  };
}
