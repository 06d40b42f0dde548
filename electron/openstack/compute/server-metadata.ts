// Server metadata (key/value). Listings carry it too; these calls read or merge one server's.
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

const Metadata = z.looseObject({ metadata: z.record(z.string(), z.string()) });

export async function getServerMetadata(compute: ServiceClient, serverId: string, opts: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
  const res = await compute.get(`servers/${encodeURIComponent(serverId)}/metadata`, { schema: Metadata, signal: opts.signal });
  return res.body.metadata;
}

/** Adds or updates the given keys, leaving others as they are. */
export async function updateServerMetadata(
  compute: ServiceClient,
  serverId: string,
  metadata: Record<string, string>,
  opts: { signal?: AbortSignal } = {},
): Promise<Record<string, string>> {
  const res = await compute.post(`servers/${encodeURIComponent(serverId)}/metadata`, { metadata }, { ok: [200], schema: Metadata, signal: opts.signal });
  return res.body.metadata;
}
