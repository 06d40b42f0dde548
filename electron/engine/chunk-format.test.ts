import { describe, expect, it } from 'vitest';
import { CHUNK_HEADER, ChunkDamage, chunkDigest, createCodec, frameCapacity, isZero, openChunk, sealChunk, sealChunkHead } from './chunk-format';
import { deriveKeys, newMasterKey } from './keys';
import { randomBlock, textBlock } from './testing/fixtures';

const SIZE = 256 * 1024;

describe('chunk files', () => {
  for (const encrypted of [false, true]) {
    describe(encrypted ? 'encrypted' : 'plain', () => {
      const keys = encrypted ? deriveKeys(newMasterKey()) : null;
      const codec = createCodec(keys, 1);

      it('round-trips compressible data, compressed', () => {
        const data = textBlock(SIZE, 1);
        const digest = chunkDigest(keys, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame.length).toBeLessThan(data.length / 2);
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
      });

      it('stores incompressible data raw', () => {
        const data = randomBlock(SIZE, 2);
        const digest = chunkDigest(keys, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame[5]! & 1).toBe(0); // no zstd flag
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
      });

      it('judges a 4 MiB chunk by its first, middle and last frames when the first does not shrink', () => {
        const F = 256 * 1024;
        const frames = 16;
        const mixed = (random: number[]): Buffer =>
          Buffer.concat(Array.from({ length: frames }, (_, i) => (random.includes(i) ? randomBlock(F, 10 + i) : textBlock(F, 30 + i))));
        const zstdFlag = (data: Buffer): number => sealChunk(codec, chunkDigest(keys, data), data)[5]! & 1;
        // random at the start only: the rest still compresses
        expect(zstdFlag(mixed([0]))).toBe(1);
        expect(zstdFlag(mixed([0, 8]))).toBe(1);
        // random at all three probes: taken as incompressible, stored raw, and still exact
        const data = mixed([0, 8, 15]);
        const digest = chunkDigest(keys, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame[5]! & 1).toBe(0);
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
        // a compressible first frame: compressed as before, whatever follows
        expect(zstdFlag(mixed([1, 2, 3, 8, 15]))).toBe(1);
      });

      it('writes the same file whether or not a raw payload is copied behind the header', () => {
        for (const data of [randomBlock(SIZE, 6), textBlock(SIZE, 7)]) {
          const digest = chunkDigest(keys, data);
          const out = Buffer.alloc(frameCapacity(SIZE));
          const { frameLength, payloadIsPlain } = sealChunkHead(codec, digest, data, out, undefined);
          const file = payloadIsPlain ? Buffer.concat([out.subarray(0, CHUNK_HEADER), data]) : out.subarray(0, frameLength);
          expect(file.length).toBe(frameLength);
          expect(payloadIsPlain).toBe(!encrypted && (file[5]! & 1) === 0); // only plain raw chunks skip the copy
          expect(openChunk(codec, digest, file).equals(data)).toBe(true);
        }
      });

      it('rejects a flipped byte, naming the digest', () => {
        const data = textBlock(SIZE, 3);
        const digest = chunkDigest(keys, data);
        const frame = sealChunk(codec, digest, data);
        frame[frame.length - 20]! ^= 0x40;
        expect(() => openChunk(codec, digest, frame)).toThrow(ChunkDamage);
        expect(() => openChunk(codec, digest, frame)).toThrow(digest);
      });

      it('rejects a valid chunk file stored under another name', () => {
        const a = textBlock(SIZE, 4);
        const b = textBlock(SIZE, 5);
        const frameA = sealChunk(codec, chunkDigest(keys, a), a);
        expect(() => openChunk(codec, chunkDigest(keys, b), frameA)).toThrow(ChunkDamage);
      });
    });
  }

  it('keyed digests differ from plain SHA-256 and between repositories', () => {
    const data = textBlock(1000, 6);
    const k1 = deriveKeys(newMasterKey());
    const k2 = deriveKeys(newMasterKey());
    expect(new Set([chunkDigest(null, data), chunkDigest(k1, data), chunkDigest(k2, data)]).size).toBe(3);
  });

  it('an encrypted chunk cannot be opened with another key', () => {
    const data = textBlock(SIZE, 7);
    const mine = createCodec(deriveKeys(newMasterKey()), 1);
    const theirs = createCodec(deriveKeys(newMasterKey()), 1);
    const digest = chunkDigest(mine.keys, data);
    expect(() => openChunk(theirs, digest, sealChunk(mine, digest, data))).toThrow(/authentication failed/);
  });

  it('detects all-zero chunks', () => {
    expect(isZero(Buffer.alloc(SIZE))).toBe(true);
    const b = Buffer.alloc(SIZE);
    b[SIZE - 1] = 1;
    expect(isZero(b)).toBe(false);
  });
});
