// Volumes attached to a server, and attaching/detaching through Nova (which drives Cinder).
import { z } from 'zod';
import type { ServiceClient } from '../core/service-client';

export const RawVolumeAttachment = z.looseObject({
  id: z.string().optional(),
  volumeId: z.string(),
  serverId: z.string().optional(),
  device: z.string().nullish(),
  tag: z.string().nullish(),
  delete_on_termination: z.boolean().optional(),
  attachment_id: z.string().optional(),
});
export type RawVolumeAttachment = z.infer<typeof RawVolumeAttachment>;

export interface VolumeAttachment {
  volumeId: string;
  serverId: string | undefined;
  /** Guest device name as Nova recorded it (e.g. /dev/vdb); a hint, not a guarantee. */
  device: string | undefined;
  deleteOnTermination: boolean | undefined;
  /** Cinder attachment id (Nova ≥ 2.89). */
  attachmentId: string | undefined;
}

export function toVolumeAttachment(raw: RawVolumeAttachment): VolumeAttachment {
  return {
    volumeId: raw.volumeId,
    serverId: raw.serverId,
    device: raw.device ?? undefined,
    deleteOnTermination: raw.delete_on_termination,
    attachmentId: raw.attachment_id,
  };
}

function attachmentsPath(serverId: string): string {
  return `servers/${encodeURIComponent(serverId)}/os-volume_attachments`;
}

export async function listVolumeAttachments(compute: ServiceClient, serverId: string, opts: { signal?: AbortSignal } = {}): Promise<VolumeAttachment[]> {
  const res = await compute.get(attachmentsPath(serverId), {
    schema: z.looseObject({ volumeAttachments: z.array(RawVolumeAttachment) }),
    features: ['compute.attachmentDeleteFlag'],
    signal: opts.signal,
  });
  return res.body.volumeAttachments.map(toVolumeAttachment);
}

/**
 * Asks Nova to attach; the volume becomes "in-use" asynchronously (wait on the volume).
 * `deleteOnTermination: true` needs microversion 2.79 (FeatureUnsupportedError below it).
 */
export async function attachVolume(
  compute: ServiceClient,
  serverId: string,
  volumeId: string,
  opts: { device?: string; deleteOnTermination?: boolean; signal?: AbortSignal } = {},
): Promise<VolumeAttachment> {
  const flag = opts.deleteOnTermination === true;
  const res = await compute.post(
    attachmentsPath(serverId),
    { volumeAttachment: { volumeId, ...(opts.device ? { device: opts.device } : {}), ...(flag ? { delete_on_termination: true } : {}) } },
    { ok: [200], schema: z.looseObject({ volumeAttachment: RawVolumeAttachment }), signal: opts.signal, ...(flag ? { requireFeatures: ['compute.attachWithDeleteFlag'] as const } : {}) },
  );
  return toVolumeAttachment(res.body.volumeAttachment);
}

/** Asks Nova to detach; the volume becomes "available" asynchronously. */
export async function detachVolume(compute: ServiceClient, serverId: string, volumeId: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await compute.delete(`${attachmentsPath(serverId)}/${encodeURIComponent(volumeId)}`, { ok: [202], signal: opts.signal });
}
