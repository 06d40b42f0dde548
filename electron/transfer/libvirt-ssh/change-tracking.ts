import { z } from 'zod';
import { readNote, writeNote, type BackupRef, type Range, type Repository } from '../../engine';
import { BlockDigests, DIGEST, differingRuns } from './block-diff';

/**
 * What changed on a file disk since the last backup, without keeping anything on the hypervisor.
 *
 * Each backup of a file disk (qcow2 or raw) ends with a SHA-256 per block of what it read,
 * computed on the host (remote-hash.ts) and kept with the restore point as the note
 * `block-digests`. The next backup hashes the frozen disk again on the host and reads only the
 * blocks whose digests differ: only they and the digests cross the network.
 *
 * Why not a kept overlay (what RBD disks keep, a snapshot): Nova rebuilds a domain from its own
 * disk files on every power-on, hard reboot, resize and migration, so an overlay it does not
 * know about is dropped and the guest's writes since the last backup with it. Digests live in
 * the destination: nothing on the host can go stale, and several installations never share one.
 */

export const TRACKING_NOTE = 'block-digests';
const FORMAT = 'backstack-block-digests';

/** 64 KiB (a qcow2 cluster) at least, doubled until a disk has at most this many blocks: 4 MiB of digests per disk and backup at most. */
const MIN_TRACKING_BLOCK = 64 * 1024;
const MAX_TRACKING_BLOCKS = 128 * 1024;

/** The block a disk of `size` bytes is tracked by (a 8 GiB disk: 64 KiB, 100 GiB: 1 MiB); it divides the engine's chunk. */
export function trackingBlockSize(size: number, chunkSize: number): number {
  let b = MIN_TRACKING_BLOCK;
  while (b < chunkSize && Math.ceil(size / b) > MAX_TRACKING_BLOCKS) b *= 2;
  return Math.min(b, chunkSize);
}

const TrackedDisk = z.object({
  disk: z.string().min(1).max(128),
  size: z.number().int().nonnegative(),
  blockSize: z.number().int().positive(),
  /** base64 of the digests, DIGEST bytes per block */
  digests: z.string(),
});
const TrackingNote = z.object({ format: z.literal(FORMAT), version: z.literal(1), disks: z.array(TrackedDisk).max(256) });

/** The digests kept with a restore point, by disk; disks whose entry does not add up are left out (they are backed up in full). */
export async function readTracking(repo: Repository, ref: BackupRef): Promise<Map<string, BlockDigests>> {
  const out = new Map<string, BlockDigests>();
  const parsed = TrackingNote.safeParse(await readNote(repo, ref, TRACKING_NOTE));
  if (!parsed.success) return out;
  for (const d of parsed.data.disks) {
    const bytes = Buffer.from(d.digests, 'base64');
    const b = new BlockDigests(d.size, d.blockSize);
    if (bytes.length !== b.count * DIGEST) continue;
    bytes.copy(b.digests);
    out.set(d.disk, b);
  }
  return out;
}

/** Keeps the digests of this backup's file disks with its restore point. */
export async function writeTracking(repo: Repository, ref: BackupRef, disks: ReadonlyMap<string, BlockDigests>): Promise<void> {
  const note = {
    format: FORMAT,
    version: 1 as const,
    disks: [...disks].map(([disk, b]) => ({ disk, size: b.size, blockSize: b.blockSize, digests: b.digests.toString('base64') })),
  };
  await writeNote(repo, ref, TRACKING_NOTE, TrackingNote.parse(note));
}

/** The byte ranges whose blocks differ between the last backup's digests and the disk's now. */
export function changedRanges(previous: BlockDigests, now: BlockDigests): Range[] {
  return differingRuns(previous, now, Number.MAX_SAFE_INTEGER).map((r) => ({ offset: r.offset, length: r.length }));
}
