import { crc32 } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { CHUNK_HEADER, chunkDigest, createCodec, FRAME_BYTES, frameCapacity, openChunk, openPayload, payloadFrames, sealChunk, sealChunkHead } from './chunk-format';
import { fillFromParent } from './chunk-merge';
import { deriveKeys, newMasterKey } from './keys';
import { textBlock } from '../testing/fixtures';

const SIZE = 4 * FRAME_BYTES + 1000; // four whole frames and a short one

describe('completing a partly changed chunk from its parent', () => {
  for (const encrypted of [false, true]) {
    it(`rebuilds the window and reuses the frames the change does not touch (${encrypted ? 'encrypted' : 'plain'})`, () => {
      const codec = createCodec(encrypted ? deriveKeys(newMasterKey()) : null, 1, 'blake3');
      const parent = textBlock(SIZE, 1);
      const parentDigest = chunkDigest(codec, parent);
      const parentFile = sealChunk(codec, parentDigest, parent);

      // The guest rewrote 5000 bytes inside frame 1; the source gives only those.
      const expected = Buffer.from(parent);
      const change = { offset: FRAME_BYTES + 100, length: 5000 };
      textBlock(change.length, 9).copy(expected, change.offset);
      const window = Buffer.alloc(SIZE);
      expected.copy(window, change.offset, change.offset, change.offset + change.length);
      const keep: [number, number][] = [
        [0, change.offset],
        [change.offset + change.length, SIZE - change.offset - change.length],
      ];

      const reuse = fillFromParent(codec, parentDigest, parentFile, window, keep);
      expect(window.equals(expected)).toBe(true);
      expect([...reuse.keys()]).toEqual([0, 2, 3, 4]); // all but the touched frame

      const digest = chunkDigest(codec, window);
      const out = Buffer.alloc(frameCapacity(SIZE));
      const { frameLength } = sealChunkHead(codec, digest, window, out, reuse);
      const file = out.subarray(0, frameLength);
      expect(openChunk(codec, digest, file, true).equals(expected)).toBe(true);
      // The reused frames are the parent's bytes, as they were.
      const frames = payloadFrames(openPayload(codec, digest, file).payload, SIZE) as Buffer[];
      const parentFrames = payloadFrames(openPayload(codec, parentDigest, parentFile).payload, SIZE) as Buffer[];
      expect(frames).toHaveLength(5);
      for (const i of [0, 2, 3, 4]) expect(frames[i]!.equals(parentFrames[i]!)).toBe(true);
    });
  }

  it('decodes a single-frame parent (written before frames) whole, reusing nothing', () => {
    const codec = createCodec(null, 1, 'blake3');
    const parent = textBlock(SIZE, 2);
    const digest = chunkDigest(codec, parent);
    // A chunk as writers made it before frames: the header of a real chunk, one zstd frame.
    const out = Buffer.alloc(frameCapacity(SIZE));
    const n = codec.cctx.compress(out.subarray(CHUNK_HEADER), parent, 1);
    const file = Buffer.from(out.subarray(0, CHUNK_HEADER + n));
    sealChunk(codec, digest, parent).copy(file, 0, 0, CHUNK_HEADER);
    file.writeUInt32BE(n, 12);
    file.writeUInt32BE(crc32(file.subarray(CHUNK_HEADER)) >>> 0, 16);
    expect(openChunk(codec, digest, file).equals(parent)).toBe(true);

    const window = Buffer.alloc(SIZE);
    const reuse = fillFromParent(codec, digest, file, window, [[0, SIZE - 10]]);
    expect(reuse.size).toBe(0);
    expect(window.subarray(0, SIZE - 10).equals(parent.subarray(0, SIZE - 10))).toBe(true);
    expect(window.subarray(SIZE - 10).every((b) => b === 0)).toBe(true);
  });

  it('refuses ranges outside the parent chunk', () => {
    const codec = createCodec(null, 1, 'blake3');
    const parent = textBlock(FRAME_BYTES, 3);
    const digest = chunkDigest(codec, parent);
    expect(() => fillFromParent(codec, digest, sealChunk(codec, digest, parent), Buffer.alloc(SIZE), [[0, FRAME_BYTES + 1]])).toThrow(digest);
  });
});
