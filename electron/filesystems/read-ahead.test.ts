import { describe, expect, it } from 'vitest';
import { bufferSource, readAhead } from './source';
import { noise } from './testing/fixtures';

describe('readAhead', () => {
  it('gives the same bytes as the source for sequential and scattered reads, fetching the blocks ahead of a sequential run at once', async () => {
    const data = noise(64 * 1024 + 123, 9);
    // blocks of 4 KiB: reads of 1 KiB are large enough to stream (a quarter MiB, or a quarter block when smaller)
    const inner = bufferSource(data);
    const asked: number[] = [];
    const src = readAhead({ size: inner.size, read: (o: number, l: number) => (asked.push(o), inner.read(o, l)) }, 4096, 3);
    // a file copied out in 1 KiB pieces: the first read goes straight, the next ones read ahead
    for (let at = 0; at < data.length; at += 1024) expect((await src.read(at, 1024)).equals(data.subarray(at, at + 1024))).toBe(true);
    // each block was fetched once (and the first piece directly)
    expect(asked.slice(1).sort((a, b) => a - b)).toEqual(Array.from({ length: Math.ceil(data.length / 4096) }, (_, i) => i * 4096));
    // scattered reads (metadata) go straight through
    asked.length = 0;
    expect((await src.read(5000, 10)).equals(data.subarray(5000, 5010))).toBe(true);
    expect((await src.read(100, 10)).equals(data.subarray(100, 110))).toBe(true);
    expect(asked).toEqual([5000, 100]);
    // past the end: short, as the source is
    expect((await src.read(data.length - 5, 10)).length).toBe(5);
  });
});
