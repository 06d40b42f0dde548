// Cinder availability zones (they may differ from Nova's).
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

export const RawVolumeAvailabilityZone = z.looseObject({
  zoneName: z.string(),
  zoneState: z.looseObject({ available: z.boolean() }).optional(),
});
export type RawVolumeAvailabilityZone = z.infer<typeof RawVolumeAvailabilityZone>;

export interface VolumeAvailabilityZone {
  name: string;
  available: boolean;
}

export async function listVolumeAvailabilityZones(blockStorage: ServiceClient, opts: { signal?: AbortSignal } = {}): Promise<VolumeAvailabilityZone[]> {
  const res = await blockStorage.get('os-availability-zone', {
    schema: z.looseObject({ availabilityZoneInfo: z.array(RawVolumeAvailabilityZone) }),
    signal: opts.signal,
  });
  return res.body.availabilityZoneInfo.map((z) => ({ name: z.zoneName, available: z.zoneState?.available ?? true }));
}
