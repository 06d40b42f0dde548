import * as os from '../../openstack';
import { DiskAttachmentError } from './errors';

/**
 * Before anything is created: room in the project's Cinder quota for one temporary snapshot and
 * one temporary volume per volume, and a volume for an image-backed root disk (both count against `gigabytes` unless the cloud says not).
 * A refusal names the quota, what the backup needs and what is free.
 */
export async function checkQuota(blockStorage: os.ServiceClient, volumes: readonly os.Volume[], rootGiB: number, signal?: AbortSignal): Promise<void> {
  let limits: os.VolumeLimits;
  try {
    limits = await os.getVolumeLimits(blockStorage, { signal });
  } catch {
    return; // a cloud that hides its limits still enforces them: Cinder's own refusal is explained then
  }
  const gib = volumes.reduce((n, v) => n + v.sizeGiB, 0);
  // an image-backed root disk: one more volume (of the root disk's size), no snapshot
  const need = { volumes: volumes.length + (rootGiB ? 1 : 0), snapshots: volumes.length, gigabytes: 2 * gib + rootGiB };
  const short: string[] = [];
  for (const k of ['volumes', 'snapshots', 'gigabytes'] as const) {
    const q = limits[k];
    if (q.limit !== null && q.used + need[k] > q.limit) short.push(`${k}: ${need[k]} needed, ${Math.max(0, q.limit - q.used)} free of ${q.limit}`);
  }
  if (short.length) {
    throw new DiskAttachmentError(
      `Not enough Cinder quota for the temporary snapshots and volumes of this backup (${short.join('; ')}). Raise the project's quota (openstack quota set --volumes/--snapshots/--gigabytes) or free some, then run the backup again. Nothing was created.`,
    );
  }
}
