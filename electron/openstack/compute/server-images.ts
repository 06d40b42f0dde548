// Nova's createImage action: a snapshot of a server as a Glance image (volume-backed servers get
// an image that refers to Cinder snapshots of their volumes).
import { OpenStackError } from '../core/errors';
import type { ServiceClient } from '../core/service-client';

export interface CreateServerImageRequest {
  name: string;
  /** image properties, e.g. who made it */
  metadata?: Record<string, string>;
}

/**
 * Starts the snapshot and returns the new image's id: in the body from microversion 2.45, in the
 * Location header before it.
 */
export async function createServerImage(
  compute: ServiceClient,
  serverId: string,
  req: CreateServerImageRequest,
  opts: { signal?: AbortSignal } = {},
): Promise<{ imageId: string }> {
  const res = await compute.post(
    `servers/${encodeURIComponent(serverId)}/action`,
    { createImage: { name: req.name, ...(req.metadata ? { metadata: req.metadata } : {}) } },
    { ok: [202], features: ['compute.createImageReturnsId'], signal: opts.signal },
  );
  const fromBody = (res.body as { image_id?: unknown } | null)?.image_id;
  if (typeof fromBody === 'string') return { imageId: fromBody };
  const location = res.headers.location;
  const id = (Array.isArray(location) ? location[0] : location)?.split('/').pop();
  if (!id)
    throw new OpenStackError('BAD_RESPONSE', 'Nova accepted the snapshot but did not say which image it makes (no image_id, no Location header).');
  return { imageId: id };
}
