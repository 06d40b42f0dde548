// Cinder volumes: list (all projects for admins), get, create, delete, wait.
import { z } from 'zod';
import type { Feature } from '../core/microversions';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';
import { orNullIfNotFound, waitFor, type WaitOptions } from '../core/wait-for';

const RawVolumeAttachmentInfo = z.looseObject({
  server_id: z.string().nullish(),
  attachment_id: z.string().nullish(),
  device: z.string().nullish(),
  host_name: z.string().nullish(),
  attached_at: z.string().nullish(),
});

export const RawVolume = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  size: z.number(),
  availability_zone: z.string().nullish(),
  bootable: z.union([z.string(), z.boolean()]).optional(), // "true"/"false" on the wire
  volume_type: z.string().nullish(),
  volume_type_id: z.string().optional(),
  attachments: z.array(RawVolumeAttachmentInfo).default([]),
  'os-vol-host-attr:host': z.string().nullish(),
  'os-vol-tenant-attr:tenant_id': z.string().optional(),
  user_id: z.string().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
  volume_image_metadata: z.record(z.string(), z.unknown()).optional(),
  encrypted: z.boolean().optional(),
  multiattach: z.boolean().optional(),
  snapshot_id: z.string().nullish(),
  source_volid: z.string().nullish(),
  description: z.string().nullish(),
  created_at: z.string().optional(),
  updated_at: z.string().nullish(),
  group_id: z.string().nullish(),
  replication_status: z.string().nullish(),
  consumes_quota: z.boolean().optional(),
});
export type RawVolume = z.infer<typeof RawVolume>;

export interface Volume {
  id: string;
  name: string;
  status: string;
  sizeGiB: number;
  availabilityZone: string | undefined;
  bootable: boolean;
  volumeType: string | undefined;
  volumeTypeId: string | undefined;
  attachments: { serverId: string | undefined; attachmentId: string | undefined; device: string | undefined; hostName: string | undefined }[];
  /** Admin attribute "host@backend#pool". */
  host: string | undefined;
  /** The backend part of host (matches a volume type's volume_backend_name). */
  backendName: string | undefined;
  pool: string | undefined;
  projectId: string | undefined;
  userId: string | undefined;
  metadata: Record<string, string>;
  /** Glance properties copied to a volume made from an image (image_id, image_name ...). */
  imageMetadata: Record<string, string> | undefined;
  sourceImageId: string | undefined;
  snapshotId: string | undefined;
  sourceVolumeId: string | undefined;
  encrypted: boolean;
  multiattach: boolean;
  description: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  groupId: string | undefined;
}

/** Splits Cinder's "host@backend#pool". */
export function parseVolumeHost(host: string | null | undefined): { backend: string | undefined; pool: string | undefined } {
  if (!host) return { backend: undefined, pool: undefined };
  const m = /^[^@#]*(?:@([^#]*))?(?:#(.*))?$/.exec(host);
  return { backend: m?.[1] || undefined, pool: m?.[2] || undefined };
}

function stringRecord(r: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export function toVolume(raw: RawVolume): Volume {
  const host = raw['os-vol-host-attr:host'] ?? undefined;
  const { backend, pool } = parseVolumeHost(host);
  const imageMetadata = stringRecord(raw.volume_image_metadata);
  return {
    id: raw.id,
    name: raw.name ?? '',
    status: raw.status,
    sizeGiB: raw.size,
    availabilityZone: raw.availability_zone ?? undefined,
    bootable: raw.bootable === true || raw.bootable === 'true',
    volumeType: raw.volume_type ?? undefined,
    volumeTypeId: raw.volume_type_id,
    attachments: raw.attachments.map((a) => ({
      serverId: a.server_id ?? undefined,
      attachmentId: a.attachment_id ?? undefined,
      device: a.device ?? undefined,
      hostName: a.host_name ?? undefined,
    })),
    host,
    backendName: backend,
    pool,
    projectId: raw['os-vol-tenant-attr:tenant_id'],
    userId: raw.user_id,
    metadata: raw.metadata,
    imageMetadata,
    sourceImageId: imageMetadata?.image_id,
    snapshotId: raw.snapshot_id ?? undefined,
    sourceVolumeId: raw.source_volid ?? undefined,
    encrypted: raw.encrypted ?? false,
    multiattach: raw.multiattach ?? false,
    description: raw.description ?? undefined,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at ?? undefined,
    groupId: raw.group_id ?? undefined,
  };
}

export const VOLUME_FEATURES: readonly Feature[] = ['blockstorage.volumeTypeId', 'blockstorage.groups', 'blockstorage.consumesQuota'];

export interface ListVolumesOptions {
  /** Every project's volumes (admin). */
  allTenants?: boolean;
  projectId?: string;
  name?: string;
  status?: string;
  /** only volumes carrying all these metadata pairs */
  metadata?: Record<string, string>;
  limit?: number;
  signal?: AbortSignal;
}

export function listVolumes(blockStorage: ServiceClient, opts: ListVolumesOptions = {}): Pager<Volume, RawVolume> {
  return new Pager(blockStorage, {
    path: 'volumes/detail',
    query: {
      all_tenants: opts.allTenants ? 1 : undefined,
      project_id: opts.projectId,
      name: opts.name,
      status: opts.status,
      metadata: opts.metadata ? JSON.stringify(opts.metadata) : undefined,
    },
    key: 'volumes',
    item: RawVolume,
    map: toVolume,
    limit: opts.limit,
    markerOf: (v) => v.id,
    features: VOLUME_FEATURES,
    signal: opts.signal,
  });
}

export async function getVolume(blockStorage: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Volume> {
  const res = await blockStorage.get(`volumes/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ volume: RawVolume }),
    features: VOLUME_FEATURES,
    signal: opts.signal,
  });
  return toVolume(res.body.volume);
}

export interface CreateVolumeRequest {
  sizeGiB: number;
  name?: string;
  description?: string;
  volumeType?: string;
  availabilityZone?: string;
  snapshotId?: string;
  sourceVolumeId?: string;
  imageId?: string;
  metadata?: Record<string, string>;
}

/** Starts creating a volume (status "creating"); wait with waitForVolumeStatus. */
export async function createVolume(blockStorage: ServiceClient, req: CreateVolumeRequest, opts: { signal?: AbortSignal } = {}): Promise<Volume> {
  const volume = {
    size: req.sizeGiB,
    ...(req.name ? { name: req.name } : {}),
    ...(req.description ? { description: req.description } : {}),
    ...(req.volumeType ? { volume_type: req.volumeType } : {}),
    ...(req.availabilityZone ? { availability_zone: req.availabilityZone } : {}),
    ...(req.snapshotId ? { snapshot_id: req.snapshotId } : {}),
    ...(req.sourceVolumeId ? { source_volid: req.sourceVolumeId } : {}),
    ...(req.imageId ? { imageRef: req.imageId } : {}),
    ...(req.metadata ? { metadata: req.metadata } : {}),
  };
  const res = await blockStorage.post('volumes', { volume }, { ok: [202], schema: z.looseObject({ volume: RawVolume }), signal: opts.signal });
  return toVolume(res.body.volume);
}

export async function deleteVolume(blockStorage: ServiceClient, id: string, opts: { cascade?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  await blockStorage.delete(`volumes/${encodeURIComponent(id)}`, { query: { cascade: opts.cascade ? 'true' : undefined }, ok: [202], signal: opts.signal });
}

/** Marks a volume bootable (Nova refuses to boot from one that is not: a new, empty volume is not). */
export async function setVolumeBootable(blockStorage: ServiceClient, id: string, bootable: boolean, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await blockStorage.post(`volumes/${encodeURIComponent(id)}/action`, { 'os-set_bootable': { bootable } }, { ok: [200], signal: opts.signal });
}

/** Sets the Glance properties a volume carries (hw_disk_bus, os_type …): Nova reads them when it boots from the volume. */
export async function setVolumeImageMetadata(blockStorage: ServiceClient, id: string, metadata: Record<string, string>, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await blockStorage.post(`volumes/${encodeURIComponent(id)}/action`, { 'os-set_image_metadata': { metadata } }, { ok: [200], signal: opts.signal });
}

type VolumeWait = Omit<WaitOptions<Volume>, 'until'>;

/** Waits for a status ("available", "in-use"); fails on error states. */
export function waitForVolumeStatus(blockStorage: ServiceClient, id: string, status: string, opts: VolumeWait): Promise<Volume> {
  return waitFor((signal) => getVolume(blockStorage, id, signal ? { signal } : {}), {
    until: (v) => v.status === status,
    failOn: (v) => (v.status.startsWith('error') ? `volume ${id} went to ${v.status}` : undefined),
    stateOf: (v) => v.status,
    describe: `volume ${id} to become ${status}`,
    ...opts,
  });
}

export function waitForVolumeDeleted(blockStorage: ServiceClient, id: string, opts: Omit<WaitOptions<Volume | null>, 'until'>): Promise<Volume | null> {
  return waitFor((signal) => orNullIfNotFound(getVolume(blockStorage, id, signal ? { signal } : {})), {
    until: (v) => v === null,
    failOn: (v) => (v?.status === 'error_deleting' ? `volume ${id} could not be deleted (error_deleting)` : undefined),
    stateOf: (v) => v?.status,
    describe: `volume ${id} to be deleted`,
    ...opts,
  });
}
