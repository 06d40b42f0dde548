import type { AppStatus, Runtime, SecretStorage, Settings } from '../../../shared/domain/app';
import type { Catalog, ProvidersTable, SettingsTable } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import type { EventLoopMonitor } from '../../lib/event-loop';
import type { JobsService } from '../jobs/jobs.service';

export interface AppInfo {
  runtime: Runtime;
  version: string;
  versions: Record<string, string>;
  secretStorage: SecretStorage;
}

/** The application itself: its status, its settings, and a copy of its catalog. */
export class AppService {
  constructor(
    private readonly info: AppInfo,
    private readonly catalog: Catalog,
    private readonly settingsTable: SettingsTable,
    private readonly providers: ProvidersTable,
    private readonly jobs: JobsService,
    private readonly manager: JobManager,
    private readonly loop: EventLoopMonitor,
  ) {}

  status(): AppStatus {
    return {
      version: this.info.version,
      runtime: this.info.runtime,
      catalogPath: this.catalog.path,
      installationId: this.catalog.installationId(),
      schemaVersion: this.catalog.schemaVersion(),
      providersCount: this.providers.count(),
      jobsRunning: this.jobs.running(),
      eventLoopDelayP99Ms: this.loop.p99Ms(),
      secretStorage: this.info.secretStorage,
      versions: this.info.versions,
    };
  }

  settings(): Settings {
    return this.settingsTable.get();
  }

  updateSettings(patch: Partial<Settings>): Settings {
    return this.settingsTable.update(patch);
  }

  /** A consistent online copy of the catalog into a new file, as a job. */
  startCatalogBackup(file: string): { jobId: string } {
    return { jobId: this.manager.enqueue('catalog.backup', { file }).id };
  }
}
