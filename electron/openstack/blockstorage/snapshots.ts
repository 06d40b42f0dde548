// Cinder volume snapshots: list (all projects for admins), get, create, delete, wait.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';
import { orNullIfNotFound, waitFor, type WaitOptions } from '../core/wait-for';

export const RawSnapshot = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  size: z.number(),
  volume_id: z.string(),
  description: z.string().nullish(),
  created_at: z.string().optional(),
  updated_at: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).default({}),
  'os-extended-snapshot-attributes:project_id': z.string().optional(),
  'os-extended-snapshot-attributes:progress': z.string().nullish(),
  user_id: z.string().optional(),
  group_snapshot_id: z.string().nullish(),
});
export type RawSnapshot = z.infer<typeof RawSnapshot>;

export interface Snapshot {
  id: string;
  name: string;
  status: string;
  sizeGiB: number;
  volumeId: string;
  description: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  metadata: Record<string, string>;
  projectId: string | undefined;
  /** "100%" when done. */
  progress: string | undefined;
  userId: string | undefined;
}

export function toSnapshot(raw: RawSnapshot): Snapshot {
  return {
    id: raw.id,
    name: raw.name ?? '',
    status: raw.status,
    sizeGiB: raw.size,
    volumeId: raw.volume_id,
    description: raw.description ?? undefined,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at ?? undefined,
    metadata: raw.metadata,
    projectId: raw['os-extended-snapshot-attributes:project_id'],
    progress: raw['os-extended-snapshot-attributes:progress'] ?? undefined,
    userId: raw.user_id,
  };
}

export interface ListSnapshotsOptions {
  allTenants?: boolean;
  projectId?: string;
  volumeId?: string;
  status?: string;
  /** only snapshots carrying all these metadata pairs */
  metadata?: Record<string, string>;
  limit?: number;
  signal?: AbortSignal;
}

export function listSnapshots(blockStorage: ServiceClient, opts: ListSnapshotsOptions = {}): Pager<Snapshot, RawSnapshot> {
  return new Pager(blockStorage, {
    path: 'snapshots/detail',
    query: {
      all_tenants: opts.allTenants ? 1 : undefined,
      project_id: opts.projectId,
      volume_id: opts.volumeId,
      status: opts.status,
      metadata: opts.metadata ? JSON.stringify(opts.metadata) : undefined,
    },
    key: 'snapshots',
    item: RawSnapshot,
    map: toSnapshot,
    limit: opts.limit,
    markerOf: (s) => s.id,
    features: ['blockstorage.snapshotUserId', 'blockstorage.consumesQuota'],
    signal: opts.signal,
  });
}

export async function getSnapshot(blockStorage: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Snapshot> {
  const res = await blockStorage.get(`snapshots/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ snapshot: RawSnapshot }),
    features: ['blockstorage.snapshotUserId'],
    signal: opts.signal,
  });
  return toSnapshot(res.body.snapshot);
}

export interface CreateSnapshotRequest {
  volumeId: string;
  name?: string;
  description?: string;
  /** Snapshot an attached ("in-use") volume. */
  force?: boolean;
  metadata?: Record<string, string>;
}

export async function createSnapshot(blockStorage: ServiceClient, req: CreateSnapshotRequest, opts: { signal?: AbortSignal } = {}): Promise<Snapshot> {
  const snapshot = {
    volume_id: req.volumeId,
    ...(req.name ? { name: req.name } : {}),
    ...(req.description ? { description: req.description } : {}),
    ...(req.force ? { force: true } : {}),
    ...(req.metadata ? { metadata: req.metadata } : {}),
  };
  const res = await blockStorage.post('snapshots', { snapshot }, { ok: [202], schema: z.looseObject({ snapshot: RawSnapshot }), signal: opts.signal });
  return toSnapshot(res.body.snapshot);
}

export async function deleteSnapshot(blockStorage: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await blockStorage.delete(`snapshots/${encodeURIComponent(id)}`, { ok: [202], signal: opts.signal });
}

export function waitForSnapshotStatus(
  blockStorage: ServiceClient,
  id: string,
  status: string,
  opts: Omit<WaitOptions<Snapshot>, 'until'>,
): Promise<Snapshot> {
  return waitFor((signal) => getSnapshot(blockStorage, id, signal ? { signal } : {}), {
    until: (s) => s.status === status,
    failOn: (s) => (s.status.startsWith('error') ? `snapshot ${id} went to ${s.status}` : undefined),
    stateOf: (s) => `${s.status}${s.progress ? ` ${s.progress}` : ''}`,
    describe: `snapshot ${id} to become ${status}`,
    ...opts,
  });
}

export function waitForSnapshotDeleted(
  blockStorage: ServiceClient,
  id: string,
  opts: Omit<WaitOptions<Snapshot | null>, 'until'>,
): Promise<Snapshot | null> {
  return waitFor((signal) => orNullIfNotFound(getSnapshot(blockStorage, id, signal ? { signal } : {})), {
    until: (s) => s === null,
    failOn: (s) => (s?.status === 'error_deleting' ? `snapshot ${id} could not be deleted (error_deleting)` : undefined),
    stateOf: (s) => s?.status,
    describe: `snapshot ${id} to be deleted`,
    ...opts,
  });
}
