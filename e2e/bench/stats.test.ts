import { describe, expect, it } from 'vitest';
import { benchRounds, figure, formatReport, median, ratioOfMedians, rounded } from './stats';

describe('bench stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow();
  });

  it('leaves its input in order', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('makes a figure of median and spread', () => {
    expect(figure([10, 30, 12])).toEqual({ median: 12, min: 10, max: 30, rounds: 3 });
    expect(rounded(figure([1.234, 1.2, 5.678]))).toEqual({ median: 1.23, min: 1.2, max: 5.68, rounds: 3 });
  });

  it('compares medians, not best rounds', () => {
    // Best rounds would give 1 / 1 = 1; the medians are 9 and 3.
    expect(ratioOfMedians(figure([1, 9, 10]), figure([1, 3, 4]))).toBe(3);
  });

  it('runs 3 rounds unless told, and says when a run is not judged', () => {
    expect(benchRounds({})).toMatchObject({ rounds: 3, judged: true });
    expect(benchRounds({ BENCH_ROUNDS: '5' })).toMatchObject({ rounds: 5, judged: true });
    const quick = benchRounds({ BENCH_ROUNDS: '1' });
    expect(quick).toMatchObject({ rounds: 1, judged: false });
    expect(quick.note).toMatch(/NOT A JUDGED RUN/);
    expect(() => benchRounds({ BENCH_ROUNDS: '0' })).toThrow();
    expect(() => benchRounds({ BENCH_ROUNDS: 'two' })).toThrow();
  });

  it('prints each figure on one line, and the report stays JSON', () => {
    const doc = { run: { rounds: 3 }, full: { seconds: figure([1, 2, 3]), totals: { chunks: 4 } } };
    const text = formatReport(doc);
    expect(text).toContain('"seconds": { "median": 2, "min": 1, "max": 3, "rounds": 3 }');
    expect(JSON.parse(text)).toEqual(doc);
  });
});
