// Keystone domains: all of them (admin), or those the token's user can reach.
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawDomain = z.looseObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean().default(true),
  description: z.string().nullish(),
});
export type RawDomain = z.infer<typeof RawDomain>;

export interface Domain {
  id: string;
  name: string;
  enabled: boolean;
  description: string | undefined;
}

export function toDomain(raw: RawDomain): Domain {
  return { id: raw.id, name: raw.name, enabled: raw.enabled, description: raw.description || undefined };
}

export interface ListDomainsOptions {
  name?: string;
  enabled?: boolean;
  signal?: AbortSignal;
}

/** GET /v3/domains: every domain (needs admin or a domain-reader role). */
export function listDomains(identity: ServiceClient, opts: ListDomainsOptions = {}): Pager<Domain, RawDomain> {
  return new Pager(identity, {
    path: 'domains',
    query: { name: opts.name, enabled: opts.enabled },
    key: 'domains',
    item: RawDomain,
    map: toDomain,
    signal: opts.signal,
  });
}

/** GET /v3/auth/domains: the domains the user has a role on; works with an unscoped token. */
export function listAuthDomains(identity: ServiceClient, opts: { signal?: AbortSignal } = {}): Pager<Domain, RawDomain> {
  return new Pager(identity, { path: 'auth/domains', key: 'domains', item: RawDomain, map: toDomain, signal: opts.signal });
}

export async function getDomain(identity: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Domain> {
  const res = await identity.get(`domains/${encodeURIComponent(id)}`, { schema: z.looseObject({ domain: RawDomain }), signal: opts.signal });
  return toDomain(res.body.domain);
}
