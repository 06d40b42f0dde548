import { describe, expect, it } from 'vitest';
import { byteTicks } from './chart-style';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('byteTicks', () => {
  it('puts ticks at round binary figures that reach past the largest value', () => {
    expect(byteTicks(2.32 * GiB)).toEqual([0, GiB, 2 * GiB, 3 * GiB]);
    expect(byteTicks(700 * MiB)).toEqual([0, 200 * MiB, 400 * MiB, 600 * MiB, 800 * MiB]);
    expect(byteTicks(0)).toEqual([0]);
  });
});
