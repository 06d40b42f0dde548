import { z } from 'zod';
import { Schedule, type ScheduleInput } from './schedules';

/** A backup destination known to this installation (a folder holding a repository: engine/FORMAT.md). */
export const DestinationView = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string(),
  encrypted: z.boolean(),
  isDefault: z.boolean(),
  createdAt: z.string(),
  /** when unused chunks are removed by themselves (null: only by hand) */
  gcSchedule: Schedule.nullable(),
  /** the next scheduled garbage collection (null: none scheduled) */
  nextGcAt: z.string().nullable(),
});
export type DestinationView = z.infer<typeof DestinationView>;

export const DestinationStats = z.object({
  backups: z.number(),
  groups: z.number(),
  chunks: z.number(),
  storedBytes: z.number(),
  logicalBytes: z.number(),
  /** logical / stored: what deduplication and compression save */
  reductionRatio: z.number(),
  history: z.array(z.object({ id: z.string(), time: z.number(), size: z.number(), bytesNew: z.number(), bytesStored: z.number() })),
});
export type DestinationStats = z.infer<typeof DestinationStats>;

export const KeepRules = z
  .object({
    last: z.number().int().min(0).max(10_000).optional(),
    hourly: z.number().int().min(0).max(10_000).optional(),
    daily: z.number().int().min(0).max(10_000).optional(),
    weekly: z.number().int().min(0).max(10_000).optional(),
    monthly: z.number().int().min(0).max(10_000).optional(),
    yearly: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
export type KeepRules = z.infer<typeof KeepRules>;

/** What a group of restore points is of, by name for people; the ids stay for hover and copy. */
export const BackupSubject = z.object({
  kind: z.enum(['instance', 'volume', 'disk']),
  id: z.string(),
  /** the name it had when it was last backed up */
  name: z.string(),
  cloudId: z.string().nullable(),
  /** null when this installation does not know the cloud (another workstation's destination) */
  cloud: z.string().nullable(),
  projectId: z.string().nullable(),
  /** null when the synced inventory does not know the project */
  project: z.string().nullable(),
});
export type BackupSubject = z.infer<typeof BackupSubject>;

export const PrunePreview = z.object({
  groups: z.array(
    z.object({
      group: z.string(),
      subject: BackupSubject,
      decisions: z.array(z.object({ id: z.string(), time: z.number(), keep: z.boolean(), reasons: z.array(z.string()) })),
    }),
  ),
  removed: z.array(z.string()),
  kept: z.array(z.string()),
});
export type PrunePreview = z.infer<typeof PrunePreview>;

/** Until an admin chooses: unused chunks removed every Sunday at 03:00, the workstation's time. */
export const defaultGcSchedule = (timeZone: string): ScheduleInput => ({ id: 'gc', form: 'weekly', days: [0], at: '03:00', timeZone });
