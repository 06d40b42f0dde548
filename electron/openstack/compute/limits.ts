// Nova's absolute limits of the token's project: quota and usage of instances, cores and RAM.
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

const Figure = z.number().int();

export const RawComputeLimits = z.looseObject({
  maxTotalInstances: Figure,
  maxTotalCores: Figure,
  maxTotalRAMSize: Figure,
  totalInstancesUsed: Figure.default(0),
  totalCoresUsed: Figure.default(0),
  totalRAMUsed: Figure.default(0),
});
export type RawComputeLimits = z.infer<typeof RawComputeLimits>;

/** One quota: how much may be used (null: unlimited, Nova's -1) and how much is. */
export interface QuotaFigure {
  limit: number | null;
  used: number;
}

export interface ComputeLimits {
  instances: QuotaFigure;
  cores: QuotaFigure;
  ramMiB: QuotaFigure;
}

export const quotaFigure = (limit: number, used: number): QuotaFigure => ({ limit: limit < 0 ? null : limit, used });

export function toComputeLimits(raw: RawComputeLimits): ComputeLimits {
  return {
    instances: quotaFigure(raw.maxTotalInstances, raw.totalInstancesUsed),
    cores: quotaFigure(raw.maxTotalCores, raw.totalCoresUsed),
    ramMiB: quotaFigure(raw.maxTotalRAMSize, raw.totalRAMUsed),
  };
}

/** GET /limits: any member of the project may read it (os-quota-sets needs admin for other projects). */
export async function getComputeLimits(compute: ServiceClient, opts: { signal?: AbortSignal } = {}): Promise<ComputeLimits> {
  const res = await compute.get('limits', { schema: z.looseObject({ limits: z.looseObject({ absolute: RawComputeLimits }) }), signal: opts.signal });
  return toComputeLimits(res.body.limits.absolute);
}
