// Nova availability zones; the detailed list (admin) also names the hosts in each zone.
import { z } from 'zod';
import { ForbiddenError } from '../core/errors';
import type { ServiceClient } from '../core/service-client';

export const RawAvailabilityZone = z.looseObject({
  zoneName: z.string(),
  zoneState: z.looseObject({ available: z.boolean() }).optional(),
  hosts: z.record(z.string(), z.unknown()).nullish(),
});
export type RawAvailabilityZone = z.infer<typeof RawAvailabilityZone>;

export interface AvailabilityZone {
  name: string;
  available: boolean;
  /** Hosts in the zone (detailed listing only). */
  hosts: string[] | undefined;
}

export function toAvailabilityZone(raw: RawAvailabilityZone): AvailabilityZone {
  return { name: raw.zoneName, available: raw.zoneState?.available ?? true, hosts: raw.hosts ? Object.keys(raw.hosts) : undefined };
}

const Envelope = z.looseObject({ availabilityZoneInfo: z.array(RawAvailabilityZone) });

/** Zones with their hosts when allowed (admin), else the plain list. "internal" (control services) is left out. */
export async function listComputeAvailabilityZones(
  compute: ServiceClient,
  opts: { detail?: boolean; signal?: AbortSignal } = {},
): Promise<AvailabilityZone[]> {
  let zones: RawAvailabilityZone[];
  try {
    zones = (await compute.get(opts.detail === false ? 'os-availability-zone' : 'os-availability-zone/detail', { schema: Envelope, signal: opts.signal })).body
      .availabilityZoneInfo;
  } catch (e) {
    if (!(e instanceof ForbiddenError) || opts.detail === false) throw e;
    zones = (await compute.get('os-availability-zone', { schema: Envelope, signal: opts.signal })).body.availabilityZoneInfo;
  }
  return zones.filter((z) => z.zoneName !== 'internal').map(toAvailabilityZone);
}
