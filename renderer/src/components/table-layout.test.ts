import { describe, expect, it } from 'vitest';
import { EMPTY_LAYOUT, longestValues, parseLayout, raiseTrackMin } from './table-layout';

describe('parseLayout', () => {
  it('reads back what was stored, with widths kept within what a column can take', () => {
    const stored = JSON.stringify({ v: 1, widths: { name: 320, host: 5, tags: 99999 }, visible: { flavor: false, cloud: true } });
    expect(parseLayout(stored)).toEqual({ widths: { name: 320, host: 56, tags: 1200 }, visible: { flavor: false, cloud: true } });
  });

  it('ignores a missing, damaged or foreign value instead of breaking the table', () => {
    for (const text of [
      null,
      '',
      '{',
      '[]',
      JSON.stringify({ v: 2, widths: {}, visible: {} }),
      JSON.stringify({ v: 1, widths: { a: 'wide' }, visible: {} }),
    ]) {
      expect(parseLayout(text)).toEqual(EMPTY_LAYOUT);
    }
  });
});

describe('raiseTrackMin', () => {
  it("raises a track's minimum to what its longest value needs, never lowers it", () => {
    expect(raiseTrackMin('minmax(160px, 2fr)', 230.2)).toBe('minmax(231px, 2fr)');
    expect(raiseTrackMin('minmax(160px, 2fr)', 90)).toBe('minmax(160px, 2fr)');
    expect(raiseTrackMin('120px', 200)).toBe('200px');
    expect(raiseTrackMin('1fr', 150)).toBe('minmax(150px, 1fr)');
  });

  it('caps a fitted track so one very long value cannot take the whole table', () => {
    expect(raiseTrackMin('minmax(160px, 2fr)', 5000)).toBe('minmax(480px, 2fr)');
  });
});

describe('longestValues', () => {
  it('keeps the longest strings, the candidates for the widest', () => {
    const values = Array.from({ length: 100 }, (_, i) => 'x'.repeat(i));
    expect(longestValues(values, 3)).toEqual(['x'.repeat(99), 'x'.repeat(98), 'x'.repeat(97)]);
  });
});
