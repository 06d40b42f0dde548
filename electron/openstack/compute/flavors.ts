// Nova flavors with their extra specs (inline from 2.61, else one request per flavor).
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawFlavor = z.looseObject({
  id: z.string(),
  name: z.string(),
  vcpus: z.number(),
  ram: z.number(),
  disk: z.number(),
  'OS-FLV-EXT-DATA:ephemeral': z.number().optional(),
  swap: z.union([z.number(), z.literal('')]).optional(), // "" means none
  rxtx_factor: z.number().optional(),
  'os-flavor-access:is_public': z.boolean().optional(),
  'OS-FLV-DISABLED:disabled': z.boolean().optional(),
  description: z.string().nullish(),
  extra_specs: z.record(z.string(), z.string()).optional(),
});
export type RawFlavor = z.infer<typeof RawFlavor>;

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGiB: number;
  ephemeralGiB: number;
  swapMiB: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | undefined;
  /** undefined until fetched (see listFlavorsWithExtraSpecs). */
  extraSpecs: Record<string, string> | undefined;
}

export function toFlavor(raw: RawFlavor): Flavor {
  return {
    id: raw.id,
    name: raw.name,
    vcpus: raw.vcpus,
    ramMiB: raw.ram,
    diskGiB: raw.disk,
    ephemeralGiB: raw['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
    swapMiB: typeof raw.swap === 'number' ? raw.swap : 0,
    isPublic: raw['os-flavor-access:is_public'] ?? true,
    disabled: raw['OS-FLV-DISABLED:disabled'] ?? false,
    description: raw.description ?? undefined,
    extraSpecs: raw.extra_specs,
  };
}

export interface ListFlavorsOptions {
  /** Private flavors too (admin): is_public=None. */
  includePrivate?: boolean;
  limit?: number;
  signal?: AbortSignal;
}

export function listFlavors(compute: ServiceClient, opts: ListFlavorsOptions = {}): Pager<Flavor, RawFlavor> {
  return new Pager(compute, {
    path: 'flavors/detail',
    query: { is_public: opts.includePrivate ? 'None' : undefined },
    key: 'flavors',
    item: RawFlavor,
    map: toFlavor,
    limit: opts.limit,
    markerOf: (f) => f.id,
    features: ['compute.flavorExtraSpecsInline', 'compute.flavorDescription'],
    signal: opts.signal,
  });
}

export async function getFlavor(compute: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Flavor> {
  const res = await compute.get(`flavors/${encodeURIComponent(id)}`, {
    schema: z.looseObject({ flavor: RawFlavor }),
    features: ['compute.flavorExtraSpecsInline', 'compute.flavorDescription'],
    signal: opts.signal,
  });
  return toFlavor(res.body.flavor);
}

export async function getFlavorExtraSpecs(compute: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
  const res = await compute.get(`flavors/${encodeURIComponent(id)}/os-extra_specs`, {
    schema: z.looseObject({ extra_specs: z.record(z.string(), z.string()) }),
    signal: opts.signal,
  });
  return res.body.extra_specs;
}

/** All flavors with extra specs filled in, fetching them separately where the microversion lacks them. */
export async function listFlavorsWithExtraSpecs(compute: ServiceClient, opts: ListFlavorsOptions & { concurrency?: number } = {}): Promise<Flavor[]> {
  const flavors = await listFlavors(compute, opts).all();
  const missing = flavors.filter((f) => f.extraSpecs === undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const flavor = missing[next++]!;
      flavor.extraSpecs = await getFlavorExtraSpecs(compute, flavor.id, opts.signal ? { signal: opts.signal } : {});
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, missing.length) }, worker));
  return flavors;
}
