import { z } from 'zod';
import { AppErrorPayload } from '../errors/codes';
import { formatBytes } from '../format';
import { BackupInstanceParams, BackupVolumeParams, RestoreInPlaceParams, RestoreInstanceParams, RestoreVolumeParams } from './backups';
import { KeepRules } from './destinations';
import { RestoreVerifyParams } from './restore-verify';
import { FilesRestoreParams, FilesRestoreToGuestParams } from './files';
import { FilesIndexParams } from './files-search';
import { CreateSnapshotInput } from './snapshots';
import { CopyPullParams, CopyRunParams } from './copies';

const Id = z.string().min(1).max(200);

/**
 * Every kind of job and its parameters, declared once: `enqueue` is typed by kind, a job kind
 * implements the parameters named here, and a mistyped kind or parameter is a compile error.
 */
export const JOB_PARAMS = {
  'inventory.sync': z.object({ providerId: Id }).strict(),
  'backup.instance': BackupInstanceParams,
  'backup.volume': BackupVolumeParams,
  'restore.instance': RestoreInstanceParams,
  'restore.volume': RestoreVolumeParams,
  /** a restore point written over an instance's existing disks: only the blocks that differ */
  'restore.inPlace': RestoreInPlaceParams.extend({ destinationId: Id }).strict(),
  /** a restore point booted in a sandbox project, its console read, everything created removed */
  'restore.verify': RestoreVerifyParams.extend({ destinationId: Id, sandboxProjectId: Id }).strict(),
  'destination.verify': z.object({ destinationId: Id, backupId: z.string().min(1).max(400).optional() }).strict(),
  'destination.prune': z.object({ destinationId: Id, keep: KeepRules }).strict(),
  'destination.gc': z.object({ destinationId: Id }).strict(),
  'destination.reindex': z.object({ destinationId: Id }).strict(),
  'snapshot.create': CreateSnapshotInput,
  /** removes what an interrupted restore job (killed mid-way) created in the clouds, found by its marks */
  'restore.cleanup': z.object({ jobId: Id }).strict(),
  /** removes the temporary Glance images and Cinder snapshots and volumes of jobs that ended without removing them (killed), found by their marks */
  'backup.cleanup': z.object({ providerId: Id.optional(), jobId: Id.optional(), dryRun: z.boolean().default(false) }).strict(),
  /** a consistent online copy of the local catalog into `file` */
  'catalog.backup': z.object({ file: z.string().min(1).max(4096) }).strict(),
  /** files and folders of a restore point copied into a folder of the machine Backstack runs on */
  'files.restore': FilesRestoreParams,
  /** files and folders of a restore point written into a running instance through its guest agent */
  'files.restoreToGuest': FilesRestoreToGuestParams,
  /** the file index of a restore point (path, size, time, type of every entry), kept with it in its destination */
  'files.index': FilesIndexParams,
  /** restore points of a destination copied into S3-compatible object storage */
  'copy.run': CopyRunParams,
  /** restore points of a copy in object storage pulled back into a folder */
  'copy.pull': CopyPullParams,
} as const;
export type JobKindName = keyof typeof JOB_PARAMS;
export const JobKindName = z.enum(Object.keys(JOB_PARAMS) as [JobKindName, ...JobKindName[]]);
/** Every job kind in words, as the Jobs table, the job detail, notifications and the CLI show it. */
export const JOB_LABELS: Record<JobKindName, string> = {
  'inventory.sync': 'Inventory sync',
  'backup.instance': 'Backup',
  'backup.volume': 'Volume backup',
  'restore.instance': 'Restore',
  'restore.volume': 'Restore volume',
  'restore.inPlace': 'Restore in place',
  'restore.verify': 'Verify by booting',
  'destination.verify': 'Verify destination',
  'destination.prune': 'Prune destination',
  'destination.gc': 'Collect garbage',
  'destination.reindex': 'Re-index destination',
  'catalog.backup': 'Catalog copy',
  'snapshot.create': 'Snapshot',
  'restore.cleanup': 'Restore clean-up',
  'backup.cleanup': 'Clean-up of temporaries',
  'files.restore': 'File restore',
  'files.restoreToGuest': 'File restore into instance',
  'files.index': 'File index',
  'copy.run': 'Copy to object storage',
  'copy.pull': 'Pull from object storage',
};
/** Parameters as a caller gives them (defaults not yet applied). */
export type JobParamsInput<K extends JobKindName> = z.input<(typeof JOB_PARAMS)[K]>;
/** Parameters as a running job sees them (parsed, defaults applied). */
export type JobParams<K extends JobKindName> = z.output<(typeof JOB_PARAMS)[K]>;

export const JobState = z.enum(['queued', 'running', 'succeeded', 'warning', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'warning', 'failed', 'cancelled', 'interrupted'];
export const isTerminal = (s: JobState): boolean => TERMINAL_JOB_STATES.includes(s);
/** A job that did not do its work can be started again; one that succeeded (warnings included) cannot. */
export const RETRYABLE_JOB_STATES: readonly JobState[] = ['failed', 'cancelled', 'interrupted'];
export const canRetry = (s: JobState): boolean => RETRYABLE_JOB_STATES.includes(s);

export const JobProgress = z.object({
  phase: z.string(),
  /** what bytesDone/bytesTotal count: bytes (transfers) or steps (sync, prune) */
  unit: z.enum(['bytes', 'steps']).optional(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  /** bytes per second over the last few seconds */
  rate: z.number().nonnegative().nullable(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** "Writing disk vda (3.1 GiB of 10 GiB)": what a job does, with how far it is while it moves bytes. */
export function phaseText(p: JobProgress): string {
  if (p.unit === 'steps' || !p.bytesTotal) return p.phase;
  const amount = `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`;
  return p.phase.endsWith(')') ? `${p.phase}, ${amount}` : `${p.phase} (${amount})`;
}

export const Job = z.object({
  id: z.string(),
  kind: JobKindName,
  /** what the job acts on, for people: "instance web-1", "repository /backups" */
  target: z.string(),
  state: JobState,
  progress: JobProgress,
  attempt: z.number().int().positive(),
  maxAttempts: z.number().int().positive(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: AppErrorPayload.nullable(),
  /** a short outcome summary set by the job on success */
  summary: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const LogLevel = z.enum(['info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

export const JobLogEntry = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string(),
  level: LogLevel,
  message: z.string(),
});
export type JobLogEntry = z.infer<typeof JobLogEntry>;
