import { describe, expect, it } from 'vitest';
import { moveIndex } from './roving';

describe('moveIndex', () => {
  it('moves by one, by a page and to the ends, stopping at the first and last', () => {
    expect(moveIndex('ArrowDown', 3, 10)).toBe(4);
    expect(moveIndex('ArrowDown', 9, 10)).toBe(9);
    expect(moveIndex('ArrowUp', 0, 10)).toBe(0);
    expect(moveIndex('Home', 7, 10)).toBe(0);
    expect(moveIndex('End', 2, 10)).toBe(9);
    expect(moveIndex('PageDown', 2, 10, 5)).toBe(7);
    expect(moveIndex('PageUp', 2, 10, 5)).toBe(0);
  });

  it('is no move for other keys or an empty list', () => {
    expect(moveIndex('Enter', 3, 10)).toBeNull();
    expect(moveIndex('ArrowDown', 0, 0)).toBeNull();
  });
});
