// Cinder volume types and the backend each lands on (extra spec volume_backend_name).
import { z } from 'zod';
import { ForbiddenError } from '../core/errors';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawVolumeType = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  is_public: z.boolean().optional(),
  'os-volume-type-access:is_public': z.boolean().optional(),
  extra_specs: z.record(z.string(), z.string()).nullish(), // only shown to admins
  qos_specs_id: z.string().nullish(),
});
export type RawVolumeType = z.infer<typeof RawVolumeType>;

export interface VolumeType {
  id: string;
  name: string;
  description: string | undefined;
  isPublic: boolean;
  /** undefined when the policy hides them (non-admins). */
  extraSpecs: Record<string, string> | undefined;
  /** extra spec volume_backend_name: which backend volumes of this type land on. */
  backendName: string | undefined;
  qosSpecsId: string | undefined;
}

export function toVolumeType(raw: RawVolumeType): VolumeType {
  const extraSpecs = raw.extra_specs ?? undefined;
  return {
    id: raw.id,
    name: raw.name,
    description: raw.description ?? undefined,
    isPublic: raw.is_public ?? raw['os-volume-type-access:is_public'] ?? true,
    extraSpecs,
    backendName: extraSpecs?.volume_backend_name,
    qosSpecsId: raw.qos_specs_id ?? undefined,
  };
}

export function listVolumeTypes(
  blockStorage: ServiceClient,
  opts: { includePrivate?: boolean; signal?: AbortSignal } = {},
): Pager<VolumeType, RawVolumeType> {
  return new Pager(blockStorage, {
    path: 'types',
    query: { is_public: opts.includePrivate ? 'None' : undefined },
    key: 'volume_types',
    item: RawVolumeType,
    map: toVolumeType,
    signal: opts.signal,
  });
}

export async function getVolumeType(blockStorage: ServiceClient, id: string, opts: { signal?: AbortSignal } = {}): Promise<VolumeType> {
  const res = await blockStorage.get(`types/${encodeURIComponent(id)}`, { schema: z.looseObject({ volume_type: RawVolumeType }), signal: opts.signal });
  return toVolumeType(res.body.volume_type);
}

/** The extra specs of a type, or undefined when the policy forbids reading them. */
export async function getVolumeTypeExtraSpecs(
  blockStorage: ServiceClient,
  id: string,
  opts: { signal?: AbortSignal } = {},
): Promise<Record<string, string> | undefined> {
  try {
    const res = await blockStorage.get(`types/${encodeURIComponent(id)}/extra_specs`, {
      schema: z.looseObject({ extra_specs: z.record(z.string(), z.string()) }),
      signal: opts.signal,
    });
    return res.body.extra_specs;
  } catch (e) {
    if (e instanceof ForbiddenError) return undefined;
    throw e;
  }
}
