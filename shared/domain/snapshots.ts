import { z } from 'zod';

/**
 * Snapshots in the cloud, as snapshot management lists them for one instance: instance snapshots
 * (Glance images Nova made of it) and Cinder snapshots of its volumes. Backstack names those it
 * makes (image properties / snapshot metadata), so each installation knows its own.
 */

const Id = z.string().min(1).max(200);

/** The properties (images) and metadata (volume snapshots) Backstack puts on what it makes. */
export const SNAPSHOT_MARK = { installation: 'backstack_installation', purpose: 'backstack_purpose' } as const;

/** manual: taken by an admin through Backstack; incremental: kept by a backup for the next incremental. */
export const SnapshotPurpose = z.enum(['manual', 'incremental']);
export type SnapshotPurpose = z.infer<typeof SnapshotPurpose>;

export const SnapshotItem = z.object({
  kind: z.enum(['instance', 'volume']),
  id: z.string(),
  name: z.string(),
  status: z.string(),
  /** bytes held (images: the image's size; volume snapshots: their volume's size) */
  sizeBytes: z.number().nullable(),
  createdAt: z.string().nullable(),
  /** volume snapshots: of which volume, and where it is attached in the instance */
  volumeId: z.string().nullable(),
  device: z.string().nullable(),
  /** who made it: this installation, another Backstack installation, or not Backstack (null) */
  madeBy: z.enum(['this', 'other']).nullable(),
  purpose: SnapshotPurpose.nullable(),
});
export type SnapshotItem = z.infer<typeof SnapshotItem>;

export const SnapshotTarget = z.object({ providerId: Id, instanceId: Id }).strict();

export const CreateSnapshotInput = SnapshotTarget.extend({
  /** default: <instance>-snapshot-<UTC time> */
  name: z.string().trim().min(1).max(255).optional(),
  /** a volume of the instance; absent: the instance itself (Nova createImage) */
  volumeId: Id.optional(),
}).strict();
export type CreateSnapshotInput = z.infer<typeof CreateSnapshotInput>;

export const DeleteSnapshotInput = SnapshotTarget.extend({
  kind: z.enum(['instance', 'volume']),
  id: Id,
  /** required to delete one Backstack keeps for incremental backups (the next backup is then full) */
  confirmIncremental: z.boolean().default(false),
}).strict();
export type DeleteSnapshotInput = z.input<typeof DeleteSnapshotInput>;

export const defaultSnapshotName = (instanceName: string, now: Date): string =>
  `${instanceName}-snapshot-${now.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;
