import { describe, expect, it } from 'vitest';
import { CHUNK_HEADER, ChunkDamage, chunkDigest, createCodec, frameCapacity, isZero, openChunk, sealChunk, sealChunkHead, FRAME_BYTES } from './chunk-format';
import { deriveKeys, newMasterKey } from './keys';
import { randomBlock, textBlock } from '../testing/fixtures';

const SIZE = 256 * 1024;

describe('chunk files', () => {
  for (const [encrypted, digest] of [[false, 'blake3'], [true, 'blake3'], [false, 'sha256'], [true, 'sha256']] as const) {
    describe(`${encrypted ? 'encrypted' : 'plain'}, ${digest}`, () => {
      const keys = encrypted ? deriveKeys(newMasterKey()) : null;
      const codec = createCodec(keys, 1, digest);

      it('round-trips compressible data, compressed', () => {
        const data = textBlock(SIZE, 1);
        const digest = chunkDigest(codec, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame.length).toBeLessThan(data.length / 2);
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
      });

      it('stores incompressible data raw', () => {
        const data = randomBlock(SIZE, 2);
        const digest = chunkDigest(codec, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame[5]! & 1).toBe(0); // no zstd flag
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
      });

      it('judges a 4 MiB chunk by its first, middle and last frames when the first does not shrink', () => {
        const F = FRAME_BYTES;
        const frames = (4 * 1024 * 1024) / F;
        const [mid, last] = [frames >> 1, frames - 1];
        const mixed = (random: number[]): Buffer =>
          Buffer.concat(Array.from({ length: frames }, (_, i) => (random.includes(i) ? randomBlock(F, 10 + i) : textBlock(F, 30 + i))));
        const zstdFlag = (data: Buffer): number => sealChunk(codec, chunkDigest(codec, data), data)[5]! & 1;
        // random at the start only: the rest still compresses
        expect(zstdFlag(mixed([0]))).toBe(1);
        expect(zstdFlag(mixed([0, mid]))).toBe(1);
        // random at all three probes: taken as incompressible, stored raw, and still exact
        const data = mixed([0, mid, last]);
        const digest = chunkDigest(codec, data);
        const frame = sealChunk(codec, digest, data);
        expect(frame[5]! & 1).toBe(0);
        expect(openChunk(codec, digest, frame).equals(data)).toBe(true);
        // a compressible first frame: compressed as before, whatever follows
        expect(zstdFlag(mixed([1, mid, last]))).toBe(1);
      });

      it('writes the same file whether or not a raw payload is copied behind the header', () => {
        for (const data of [randomBlock(SIZE, 6), textBlock(SIZE, 7)]) {
          const digest = chunkDigest(codec, data);
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
        const digest = chunkDigest(codec, data);
        const frame = sealChunk(codec, digest, data);
        frame[frame.length - 20]! ^= 0x40;
        expect(() => openChunk(codec, digest, frame)).toThrow(ChunkDamage);
        expect(() => openChunk(codec, digest, frame)).toThrow(digest);
      });

      it('rejects a valid chunk file stored under another name', () => {
        const a = textBlock(SIZE, 4);
        const b = textBlock(SIZE, 5);
        const frameA = sealChunk(codec, chunkDigest(codec, a), a);
        expect(() => openChunk(codec, chunkDigest(codec, b), frameA)).toThrow(ChunkDamage);
      });
    });
  }

  it('names chunks as FORMAT.md says: BLAKE3 or SHA-256 of the bytes (known answers)', () => {
    expect(chunkDigest({ keys: null, digest: 'blake3' }, Buffer.alloc(0))).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    expect(chunkDigest({ keys: null, digest: 'sha256' }, Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('keyed digests differ from plain ones and between repositories', () => {
    const data = textBlock(1000, 6);
    const k1 = deriveKeys(newMasterKey());
    const k2 = deriveKeys(newMasterKey());
    for (const digest of ['blake3', 'sha256'] as const) {
      expect(new Set([chunkDigest({ keys: null, digest }, data), chunkDigest({ keys: k1, digest }, data), chunkDigest({ keys: k2, digest }, data)]).size).toBe(3);
    }
  });

  it('an encrypted chunk cannot be opened with another key', () => {
    const data = textBlock(SIZE, 7);
    const mine = createCodec(deriveKeys(newMasterKey()), 1, 'blake3');
    const theirs = createCodec(deriveKeys(newMasterKey()), 1, 'blake3');
    const digest = chunkDigest(mine, data);
    expect(() => openChunk(theirs, digest, sealChunk(mine, digest, data))).toThrow(/authentication failed/);
  });

  it('detects all-zero chunks', () => {
    expect(isZero(Buffer.alloc(SIZE))).toBe(true);
    const b = Buffer.alloc(SIZE);
    b[SIZE - 1] = 1;
    expect(isZero(b)).toBe(false);
  });
});
