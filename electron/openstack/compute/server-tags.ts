// Server tags (Nova ≥ 2.26). Server listings carry them too; these calls read or change one server's.
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

const TagList = z.looseObject({ tags: z.array(z.string()) });
const REQUIRE = ['compute.serverTags'] as const;

function tagsPath(serverId: string, tag?: string): string {
  return `servers/${encodeURIComponent(serverId)}/tags${tag === undefined ? '' : `/${encodeURIComponent(tag)}`}`;
}

export async function listServerTags(compute: ServiceClient, serverId: string, opts: { signal?: AbortSignal } = {}): Promise<string[]> {
  const res = await compute.get(tagsPath(serverId), { schema: TagList, requireFeatures: REQUIRE, signal: opts.signal });
  return res.body.tags;
}

/** Replaces all tags of the server. */
export async function replaceServerTags(compute: ServiceClient, serverId: string, tags: string[], opts: { signal?: AbortSignal } = {}): Promise<string[]> {
  const res = await compute.put(tagsPath(serverId), { tags }, { ok: [200], schema: TagList, requireFeatures: REQUIRE, signal: opts.signal });
  return res.body.tags;
}

export async function addServerTag(compute: ServiceClient, serverId: string, tag: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await compute.request('PUT', tagsPath(serverId, tag), { ok: [201, 204], requireFeatures: REQUIRE, signal: opts.signal });
}

export async function removeServerTag(compute: ServiceClient, serverId: string, tag: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await compute.delete(tagsPath(serverId, tag), { ok: [204], requireFeatures: REQUIRE, signal: opts.signal });
}
