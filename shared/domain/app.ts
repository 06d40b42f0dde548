import { z } from 'zod';

/** Where the key that seals stored secrets lives. */
export const SecretStorage = z.enum(['electron-safe-storage', 'os-keyring', 'key-file']);
export type SecretStorage = z.infer<typeof SecretStorage>;
/** Which transport hosts the core: the desktop app, console mode in a browser, or the CLI. */
export const Runtime = z.enum(['electron', 'console', 'cli']);
export type Runtime = z.infer<typeof Runtime>;

export const AppStatus = z.object({
  version: z.string(),
  runtime: Runtime,
  catalogPath: z.string(),
  /** this installation (one per catalog): named in every overlay and snapshot it leaves on hypervisors */
  installationId: z.string(),
  schemaVersion: z.number().int(),
  providersCount: z.number().int().nonnegative(),
  jobsRunning: z.number().int().nonnegative(),
  eventLoopDelayP99Ms: z.number().nonnegative(),
  /** where the key that encrypts stored passwords lives */
  secretStorage: SecretStorage,
  versions: z.record(z.string(), z.string()),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const Theme = z.enum(['light', 'dark', 'auto']);
export type Theme = z.infer<typeof Theme>;

/** The steps of the guided first run, in order (renderer/src/features/setup). */
export const FirstRunStep = z.enum(['cloud', 'hypervisors', 'destination', 'policy', 'run', 'summary']);
export type FirstRunStep = z.infer<typeof FirstRunStep>;
export const FirstRun = z.object({
  /** once dismissed (closed, or walked to its summary) the wizard no longer opens by itself; Settings reopens it */
  dismissed: z.boolean(),
  /** where the admin was: the wizard resumes there */
  step: FirstRunStep,
  /** steps passed over with "Skip for now" (a step whose work exists shows as done whatever this says) */
  skipped: z.array(FirstRunStep).max(6),
});
export type FirstRun = z.infer<typeof FirstRun>;

export const Settings = z.object({
  theme: Theme,
  /** concurrent jobs of any kind */
  maxConcurrentJobs: z.number().int().min(1).max(16),
  /** concurrent backups per cloud, per hypervisor and per destination (within maxConcurrentJobs) */
  maxBackupsPerCloud: z.number().int().min(1).max(16),
  maxBackupsPerHost: z.number().int().min(1).max(16),
  maxBackupsPerDestination: z.number().int().min(1).max(16),
  notifyOnJobEnd: z.boolean(),
  /** desktop app: closing the window leaves Backstack in the tray, so schedules and running jobs go on */
  keepRunningInTray: z.boolean(),
  /** the guided first run's progress */
  firstRun: FirstRun,
});
export type Settings = z.infer<typeof Settings>;
export const DEFAULT_SETTINGS: Settings = {
  theme: 'auto',
  maxConcurrentJobs: 2,
  maxBackupsPerCloud: 4,
  maxBackupsPerHost: 2,
  maxBackupsPerDestination: 4,
  notifyOnJobEnd: true,
  keepRunningInTray: true,
  firstRun: { dismissed: false, step: 'cloud', skipped: [] },
};

export const ProviderSummary = z.object({
  id: z.string(),
  name: z.string(),
  authUrl: z.string(),
  region: z.string(),
  createdAt: z.string(),
});
export type ProviderSummary = z.infer<typeof ProviderSummary>;

/** What changed in the local catalog, by area (not SQL table names): clients reload what depends on it. */
export const CatalogTable = z.enum(['settings', 'providers', 'inventory', 'hypervisors', 'jobs', 'destinations', 'backups', 'policies']);
export type CatalogTable = z.infer<typeof CatalogTable>;
