import { type Codec, ChunkDamage, decodeFrames, FRAME_BYTES, openChunk, openPayload, payloadFrames, type ReusedFrames } from './chunk-format';
import { copyBytes } from '../../lib/bytes';

/**
 * Worker-side completion of a partly changed window from its parent chunk (an incremental):
 * the bytes outside the changed ranges come from the parent. Frames of the parent that the
 * change does not touch are decoded into the window and handed back for reuse as they are
 * (copied, not recompressed); only the touched frames are compressed again. Pure CPU and
 * buffers: the caller reads the parent's file.
 */

/** `keep`: [offset, length] pairs, relative to the window, that take the parent's bytes. */
export function fillFromParent(codec: Codec, parentDigest: string, parentFile: Buffer, data: Buffer, keep: readonly (readonly [number, number])[]): ReusedFrames {
  const reuse = new Map<number, Buffer>();
  const { payload, plainLength, compressed } = openPayload(codec, parentDigest, parentFile);
  for (const [off, len] of keep) {
    if (off < 0 || len < 0 || off + len > Math.min(data.length, plainLength)) throw new ChunkDamage(parentDigest, `bytes ${off}+${len} are not in the parent's chunk of ${plainLength}`);
  }
  const frames = compressed ? payloadFrames(payload, plainLength) : null;
  if (!frames) {
    // A raw parent, or one written as a single frame: decode it whole.
    const plain = openChunk(codec, parentDigest, parentFile);
    for (const [off, len] of keep) copyBytes(data, off, plain.subarray(off, off + len));
    return reuse;
  }
  for (let i = 0; i < frames.length; i++) {
    const start = i * FRAME_BYTES;
    const end = Math.min(start + FRAME_BYTES, plainLength);
    const parts = keep.filter(([off, len]) => off < end && off + len > start);
    if (parts.length === 0) continue;
    const frame = frames[i] as Buffer;
    // Reusable only if the new window's frame spans the same bytes (not at a resized disk's end).
    if (Math.min(start + FRAME_BYTES, data.length) === end && covered(parts, start, end)) {
      decodeFrames(codec, parentDigest, frame, data.subarray(start, end));
      reuse.set(i, frame);
      continue;
    }
    const plain = codec.scratch.subarray(0, end - start);
    decodeFrames(codec, parentDigest, frame, plain);
    for (const [off, len] of parts) {
      const a = Math.max(off, start);
      const b = Math.min(off + len, end);
      copyBytes(data, a, plain.subarray(a - start, b - start));
    }
  }
  return reuse;
}

/** True if the (sorted or not) ranges cover [start, end) entirely. */
function covered(parts: readonly (readonly [number, number])[], start: number, end: number): boolean {
  let at = start;
  for (const [off, len] of [...parts].sort((a, b) => a[0] - b[0])) {
    if (off > at) return false;
    at = Math.max(at, off + len);
    if (at >= end) return true;
  }
  return at >= end;
}
