import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyBytes } from './bytes';

describe('copyBytes', () => {
  it('copies every byte at any alignment, into shared and plain memory', () => {
    const source = randomBytes(70_001);
    for (const target of [Buffer.alloc(80_000), Buffer.from(new SharedArrayBuffer(80_000))]) {
      for (const [from, at] of [[0, 0], [3, 20], [7, 1], [1, 9_998]] as const) {
        target.fill(0xee);
        const piece = source.subarray(from, from + 60_000);
        copyBytes(target, at, piece);
        expect(target.subarray(at, at + piece.length).equals(piece)).toBe(true);
        expect(target[at - 1] ?? 0xee).toBe(0xee); // nothing before
        expect(target[at + piece.length]).toBe(0xee); // nothing after
      }
    }
  });

  it('refuses to write past the end and does nothing for an empty source', () => {
    const target = Buffer.alloc(8, 1);
    expect(() => copyBytes(target, 4, Buffer.alloc(5))).toThrow(RangeError);
    expect(target.equals(Buffer.alloc(8, 1))).toBe(true);
    copyBytes(target, 8, Buffer.alloc(0));
    expect(target.equals(Buffer.alloc(8, 1))).toBe(true);
  });
});
