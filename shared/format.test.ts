import { describe, expect, it } from 'vitest';
import { formatAge, plural } from './format';

describe('plural', () => {
  it('says one thing in the singular and every other count in the plural', () => {
    expect(plural(1, 'instance')).toBe('1 instance');
    expect(plural(2, 'instance')).toBe('2 instances');
    expect(plural(0, 'instance')).toBe('0 instances');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(12_345, 'instance')).toBe('12,345 instances');
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-05-10T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  const min = 60_000;

  it('reads "never" without a backup time', () => {
    expect(formatAge(null, now)).toBe('never');
    expect(formatAge('not a time', now)).toBe('never');
  });

  it('rounds down to the unit an admin scans', () => {
    expect(formatAge(ago(30_000), now)).toBe('just now');
    expect(formatAge(ago(5 * min), now)).toBe('5 min ago');
    expect(formatAge(ago(59 * min + 59_000), now)).toBe('59 min ago');
    expect(formatAge(ago(2 * 60 * min + 10 * min), now)).toBe('2 h ago');
    expect(formatAge(ago(47 * 60 * min), now)).toBe('47 h ago');
    expect(formatAge(ago(48 * 60 * min), now)).toBe('2 days ago');
    expect(formatAge(ago(400 * 24 * 60 * min), now)).toBe('1 year ago');
  });

  it('reads a time ahead of this clock (another workstation\'s) as "just now"', () => {
    expect(formatAge(ago(-5 * min), now)).toBe('just now');
  });
});
