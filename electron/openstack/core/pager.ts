// Pagination in every OpenStack dialect, as an AsyncIterable:
//   {key}_links: [{rel: "next", href}]   Nova, Cinder, Neutron
//   links: {next: "..."} or [{rel: "next"}] Keystone and others
//   next: "/v2/images?marker=..."          Glance
//   marker/limit                           when a full page comes back without any link
// Next links are rebased onto our endpoint: services often build them from an internal host
// name or plain http behind a TLS proxy, so only their query string is trusted.
import { z } from 'zod';
import { ResponseFormatError } from './errors';
import type { Feature } from './microversions';
import type { Query, ServiceClient } from './service-client';

export interface PagerOptions<Raw, T> {
  /** Resource path relative to the service ("servers/detail"). */
  path: string;
  query?: Query;
  /** Key of the item array in the body ("servers"). */
  key: string;
  /** Validates one raw item. */
  item: z.ZodType<Raw>;
  map: (raw: Raw) => T;
  /** Page size to ask for; the server's own maximum applies when omitted. */
  limit?: number | undefined;
  /** Enables the marker fallback (usually the id). */
  markerOf?: (raw: Raw) => string | undefined;
  features?: readonly Feature[];
  requireFeatures?: readonly Feature[];
  signal?: AbortSignal | undefined;
}

const LinkList = z.array(z.looseObject({ rel: z.string().optional(), href: z.string().optional() }));

function nextFromLinks(links: unknown): string | undefined {
  if (Array.isArray(links)) {
    const parsed = LinkList.safeParse(links);
    return parsed.success ? parsed.data.find((l) => l.rel === 'next')?.href : undefined;
  }
  if (links && typeof links === 'object') {
    const next = (links as { next?: unknown }).next;
    return typeof next === 'string' && next ? next : undefined;
  }
  return undefined;
}

/** The next-page link of a list body in any dialect, or undefined. */
export function nextLinkOf(body: Record<string, unknown>, key: string): string | undefined {
  return nextFromLinks(body[`${key}_links`]) ?? nextFromLinks(body.links) ?? (typeof body.next === 'string' && body.next ? body.next : undefined);
}

export class Pager<T, Raw = unknown> implements AsyncIterable<T> {
  constructor(
    private readonly client: ServiceClient,
    private readonly options: PagerOptions<Raw, T>,
  ) {}

  /** Pages of mapped items, one request each. */
  async *pages(): AsyncGenerator<T[], void, undefined> {
    const o = this.options;
    const baseQuery: Query = { ...o.query, ...(o.limit !== undefined ? { limit: o.limit } : {}) };
    const firstUrl = this.client.url(o.path, baseQuery);
    const seen = new Set<string>();
    const envelope = z.looseObject({ [o.key]: z.array(o.item) });
    let url: string | undefined = firstUrl;
    while (url !== undefined) {
      if (seen.has(url)) throw this.loopError(url);
      seen.add(url);
      const res = await this.client.get(url, {
        schema: envelope,
        ...(o.features ? { features: o.features } : {}),
        ...(o.requireFeatures ? { requireFeatures: o.requireFeatures } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const raws = res.body[o.key] as Raw[];
      if (raws.length > 0) yield raws.map(o.map);
      url = this.nextUrl(res.body, raws, firstUrl);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page;
  }

  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages()) out.push(...page);
    return out;
  }

  private nextUrl(body: Record<string, unknown>, raws: Raw[], firstUrl: string): string | undefined {
    if (raws.length === 0) return undefined;
    const link = nextLinkOf(body, this.options.key);
    if (link !== undefined) return rebase(firstUrl, link, this.client.resourceBase);
    const { limit, markerOf } = this.options;
    if (limit !== undefined && markerOf && raws.length >= limit) {
      const marker = markerOf(raws[raws.length - 1]!);
      if (marker === undefined) return undefined;
      const u = new URL(firstUrl);
      u.searchParams.set('marker', marker);
      return u.toString();
    }
    return undefined;
  }

  private loopError(url: string): ResponseFormatError {
    return new ResponseFormatError({
      service: this.client.displayName,
      method: 'GET',
      url,
      detail: 'its pagination links lead back to a page already read',
    });
  }
}

/** Our first-page URL with the next link's query parameters laid over it. */
export function rebase(firstUrl: string, link: string, resourceBase: string): string {
  const next = new URL(link, resourceBase);
  const out = new URL(firstUrl);
  for (const key of new Set(next.searchParams.keys())) {
    out.searchParams.delete(key);
    for (const v of next.searchParams.getAll(key)) out.searchParams.append(key, v);
  }
  return out.toString();
}
