// Glance v2 images, with custom properties kept apart from the standard fields.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';
import { orNullIfNotFound, waitFor, type WaitOptions } from '../core/wait-for';

export const RawImage = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  visibility: z.string().optional(),
  owner: z.string().nullish(),
  disk_format: z.string().nullish(),
  container_format: z.string().nullish(),
  size: z.number().nullish(),
  virtual_size: z.number().nullish(),
  min_disk: z.number().optional(),
  min_ram: z.number().optional(),
  checksum: z.string().nullish(),
  os_hash_algo: z.string().nullish(),
  os_hash_value: z.string().nullish(),
  protected: z.boolean().optional(),
  os_hidden: z.boolean().optional(),
  tags: z.array(z.string()).default([]),
  created_at: z.string().optional(),
  updated_at: z.string().nullish(),
  direct_url: z.string().optional(),
  stores: z.string().optional(), // comma separated
});
export type RawImage = z.infer<typeof RawImage>;

// Everything else in an image body is a custom property (os_distro, hw_disk_bus, block_device_mapping ...).
const STANDARD_KEYS = new Set([
  ...Object.keys(RawImage.shape),
  'file',
  'schema',
  'self',
  'locations',
]);

export interface Image {
  id: string;
  name: string;
  status: string;
  visibility: string | undefined;
  ownerId: string | undefined;
  diskFormat: string | undefined;
  containerFormat: string | undefined;
  sizeBytes: number | undefined;
  virtualSizeBytes: number | undefined;
  minDiskGiB: number;
  minRamMiB: number;
  checksum: string | undefined;
  hashAlgo: string | undefined;
  hashValue: string | undefined;
  protected: boolean;
  hidden: boolean;
  tags: string[];
  createdAt: string | undefined;
  updatedAt: string | undefined;
  /** e.g. rbd://fsid/pool/image/snap when show_image_direct_url is on. */
  directUrl: string | undefined;
  stores: string[];
  /** Custom properties; non-string values JSON-encoded. */
  properties: Record<string, string>;
}

export function toImage(raw: RawImage): Image {
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (STANDARD_KEYS.has(k) || v === null || v === undefined) continue;
    properties[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return {
    id: raw.id,
    name: raw.name ?? '',
    status: raw.status,
    visibility: raw.visibility,
    ownerId: raw.owner ?? undefined,
    diskFormat: raw.disk_format ?? undefined,
    containerFormat: raw.container_format ?? undefined,
    sizeBytes: raw.size ?? undefined,
    virtualSizeBytes: raw.virtual_size ?? undefined,
    minDiskGiB: raw.min_disk ?? 0,
    minRamMiB: raw.min_ram ?? 0,
    checksum: raw.checksum ?? undefined,
    hashAlgo: raw.os_hash_algo ?? undefined,
    hashValue: raw.os_hash_value ?? undefined,
    protected: raw.protected ?? false,
    hidden: raw.os_hidden ?? false,
    tags: raw.tags,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at ?? undefined,
    directUrl: raw.direct_url,
    stores: raw.stores ? raw.stores.split(',').filter(Boolean) : [],
    properties,
  };
}

export interface ListImagesOptions {
  /** Glance's default hides community images; "all" shows every image the user may see. */
  visibility?: 'public' | 'private' | 'shared' | 'community' | 'all';
  owner?: string;
  status?: string;
  name?: string;
  /** snapshots of one server (Nova sets this property on the images it makes) */
  instanceUuid?: string;
  /** images whose custom properties have these values (Glance filters by any property) */
  properties?: Record<string, string>;
  /** Page size (Glance defaults to 25, caps at its api_limit_max, usually 1000). */
  limit?: number;
  signal?: AbortSignal;
}

export function listImages(image: ServiceClient, opts: ListImagesOptions = {}): Pager<Image, RawImage> {
  return new Pager(image, {
    path: 'images',
    query: { ...opts.properties, visibility: opts.visibility, owner: opts.owner, status: opts.status, name: opts.name, instance_uuid: opts.instanceUuid },
    key: 'images',
    item: RawImage,
    map: toImage,
    limit: opts.limit ?? 500,
    markerOf: (i) => i.id,
    signal: opts.signal,
  });
}

export async function getImage(image: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Image> {
  const res = await image.get(`images/${encodeURIComponent(id)}`, { schema: RawImage, signal: opts.signal });
  return toImage(res.body);
}

/** Deletes an image (204); a protected one is refused by Glance with 403. */
export async function deleteImage(image: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await image.delete(`images/${encodeURIComponent(id)}`, { ok: [204], signal: opts.signal });
}

export function waitForImageStatus(image: ServiceClient, id: string, status: string, opts: Omit<WaitOptions<Image>, 'until'>): Promise<Image> {
  return waitFor((signal) => getImage(image, id, signal ? { signal } : {}), {
    until: (i) => i.status === status,
    failOn: (i) => (['killed', 'deleted', 'deactivated'].includes(i.status) ? `image ${id} went to ${i.status}` : undefined),
    stateOf: (i) => i.status,
    describe: `image ${id} to become ${status}`,
    ...opts,
  });
}

export function waitForImageDeleted(image: ServiceClient, id: string, opts: Omit<WaitOptions<Image | null>, 'until'>): Promise<Image | null> {
  return waitFor((signal) => orNullIfNotFound(getImage(image, id, signal ? { signal } : {})), {
    until: (i) => i === null || i.status === 'deleted',
    stateOf: (i) => i?.status,
    describe: `image ${id} to be deleted`,
    ...opts,
  });
}
