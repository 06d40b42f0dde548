import { describe, expect, it } from 'vitest';
import { parseChangedExtents } from './changed-extents';
import { normalizeRanges } from './extents';
import { assemble, RangeCursor } from './assembler';

describe('changed-extent lists', () => {
  it('reads rbd diff JSON and qemu-img map JSON', () => {
    expect(parseChangedExtents('[{"offset":0,"length":4194304,"exists":"true"},{"offset":8388608,"length":512,"exists":"false"}]')).toEqual([
      { offset: 0, length: 4194304 },
      { offset: 8388608, length: 512 },
    ]);
    expect(parseChangedExtents('{"extents":[{"start":1,"offset":10,"length":5,"data":true}]}')).toEqual([{ offset: 10, length: 5 }]);
  });

  it('reads plain text, skipping headers, with hex offsets', () => {
    expect(parseChangedExtents('Offset   Length  Type\n0        4096    data\n0x2000 0x1000 zero\n\n')).toEqual([
      { offset: 0, length: 4096 },
      { offset: 0x2000, length: 0x1000 },
    ]);
  });

  it('rejects nonsense with the place it is in', () => {
    expect(() => parseChangedExtents('[{"offset":-1,"length":3}]')).toThrow(/entry 0/);
    expect(() => parseChangedExtents('[1,')).toThrow(/not valid JSON/);
  });

  it('normalizes: sorts, merges, clips to the disk', () => {
    expect(normalizeRanges([{ offset: 50, length: 100 }, { offset: 0, length: 10 }, { offset: 5, length: 10 }, { offset: 140, length: 5 }], 120)).toEqual([
      { offset: 0, length: 15 },
      { offset: 50, length: 70 },
    ]);
  });
});

describe('assembling windows', () => {
  it('cuts odd extents into chunk windows, skipped ones empty, and takes aligned buffers as they are', async () => {
    const aligned = Buffer.alloc(8, 1);
    async function* extents(): AsyncGenerator<{ offset: number; length: number; data?: Buffer }> {
      yield { offset: 0, length: 8, data: aligned };
      yield { offset: 10, length: 4, data: Buffer.from([1, 2, 3, 4]) };
      yield { offset: 14, length: 2 }; // explicit zeros
      yield { offset: 30, length: 3, data: Buffer.from([7, 8, 9]) };
    }
    const windows = [];
    for await (const w of assemble(extents(), 33, 8)) windows.push(w);
    expect(windows.map((w) => [w.index, w.length, w.dataBytes, w.covered.length])).toEqual([[0, 8, 8, 1], [1, 8, 4, 2], [2, 8, 0, 0], [3, 8, 2, 1], [4, 1, 1, 1]]);
    expect(windows[0]!.buf).toBe(aligned);
    expect([...windows[1]!.buf!]).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
  });

  it('rejects extents out of order or beyond the disk', async () => {
    const run = async (list: { offset: number; length: number }[], size: number): Promise<void> => {
      async function* g(): AsyncGenerator<{ offset: number; length: number }> {
        yield* list;
      }
      for await (const _ of assemble(g(), size, 4)) void _;
    };
    await expect(run([{ offset: 4, length: 2 }, { offset: 5, length: 1 }], 10)).rejects.toThrow(/out of order/);
    await expect(run([{ offset: 8, length: 4 }], 10)).rejects.toThrow(/beyond the disk/);
  });

  it('splits windows by the changed ranges in one pass', () => {
    const c = new RangeCursor([{ offset: 2, length: 3 }, { offset: 9, length: 10 }]);
    expect(c.split({ offset: 0, length: 8 })).toEqual({ inside: [{ offset: 2, length: 3 }], outside: [{ offset: 0, length: 2 }, { offset: 5, length: 3 }] });
    expect(c.split({ offset: 8, length: 8 })).toEqual({ inside: [{ offset: 9, length: 7 }], outside: [{ offset: 8, length: 1 }] });
    expect(c.split({ offset: 24, length: 8 })).toEqual({ inside: [], outside: [{ offset: 24, length: 8 }] });
  });
});
