// Cinder's absolute limits of the token's project: quota and usage of volumes, gigabytes and snapshots.
import { z } from 'zod';
import { quotaFigure, type QuotaFigure } from '../compute/limits';
import type { ServiceClient } from '../core/service-client';

const Figure = z.number().int();

export const RawVolumeLimits = z.looseObject({
  maxTotalVolumes: Figure,
  maxTotalVolumeGigabytes: Figure,
  maxTotalSnapshots: Figure.optional(),
  totalVolumesUsed: Figure.default(0),
  totalGigabytesUsed: Figure.default(0),
  totalSnapshotsUsed: Figure.default(0),
});
export type RawVolumeLimits = z.infer<typeof RawVolumeLimits>;

export interface VolumeLimits {
  volumes: QuotaFigure;
  gigabytes: QuotaFigure;
  snapshots: QuotaFigure;
}

export function toVolumeLimits(raw: RawVolumeLimits): VolumeLimits {
  return {
    volumes: quotaFigure(raw.maxTotalVolumes, raw.totalVolumesUsed),
    gigabytes: quotaFigure(raw.maxTotalVolumeGigabytes, raw.totalGigabytesUsed),
    snapshots: quotaFigure(raw.maxTotalSnapshots ?? -1, raw.totalSnapshotsUsed),
  };
}

/** GET /v3/{project}/limits (the block-storage client's base URL holds the project). */
export async function getVolumeLimits(blockStorage: ServiceClient, opts: { signal?: AbortSignal } = {}): Promise<VolumeLimits> {
  const res = await blockStorage.get('limits', {
    schema: z.looseObject({ limits: z.looseObject({ absolute: RawVolumeLimits }) }),
    signal: opts.signal,
  });
  return toVolumeLimits(res.body.limits.absolute);
}
