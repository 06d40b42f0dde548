import { describe, expect, it } from 'vitest';
import { periodOf, selectKeep } from './prune-rules';

const at = (iso: string): number => Date.parse(iso);
const backups = (isos: string[]): { id: string; time: number }[] => isos.map((iso) => ({ id: `g/${iso}`, time: at(iso) }));
const kept = (d: ReturnType<typeof selectKeep>): string[] => d.filter((x) => x.keep).map((x) => x.id.slice(2));

describe('keep rules', () => {
  const hourlyForThreeDays = backups(
    Array.from({ length: 72 }, (_, i) => new Date(Date.UTC(2025, 0, 1, 0, 30) + i * 3_600_000).toISOString()),
  );

  it('keep-last keeps the newest N', () => {
    expect(kept(selectKeep(hourlyForThreeDays, { last: 2 }, { utc: true }))).toEqual(['2025-01-03T23:30:00.000Z', '2025-01-03T22:30:00.000Z']);
  });

  it('keep-daily keeps the newest backup of each of the last N days', () => {
    expect(kept(selectKeep(hourlyForThreeDays, { daily: 2 }, { utc: true }))).toEqual(['2025-01-03T23:30:00.000Z', '2025-01-02T23:30:00.000Z']);
  });

  it('later rules skip periods earlier rules covered (as PBS and borg do)', () => {
    const d = selectKeep(hourlyForThreeDays, { last: 3, daily: 2 }, { utc: true });
    // last keeps 23:30, 22:30, 21:30 of Jan 3; daily then starts at the next day not covered
    expect(kept(d)).toEqual(['2025-01-03T23:30:00.000Z', '2025-01-03T22:30:00.000Z', '2025-01-03T21:30:00.000Z', '2025-01-02T23:30:00.000Z', '2025-01-01T23:30:00.000Z']);
    expect(d.find((x) => x.id === 'g/2025-01-02T23:30:00.000Z')?.reasons).toEqual(['daily 2025-01-02 (#1 of 2)']);
    expect(d.find((x) => x.id === 'g/2025-01-03T23:30:00.000Z')?.reasons).toEqual(['last #1 of 3']);
    expect(d.find((x) => x.id === 'g/2025-01-02T22:30:00.000Z')?.reasons).toEqual(['no rule keeps it']);
  });

  it('weekly, monthly and yearly periods', () => {
    const b = backups(['2023-06-01T00:00:00.000Z', '2024-12-29T12:00:00.000Z', '2024-12-30T12:00:00.000Z', '2025-01-05T12:00:00.000Z', '2025-02-01T12:00:00.000Z']);
    // 2024-12-30 and 2025-01-05 are both in ISO week 2025-W01
    expect(periodOf('weekly', at('2024-12-30T12:00:00Z'), true, '')).toBe('2025-W01');
    expect(periodOf('weekly', at('2024-12-29T12:00:00Z'), true, '')).toBe('2024-W52');
    expect(kept(selectKeep(b, { weekly: 3 }, { utc: true }))).toEqual(['2025-02-01T12:00:00.000Z', '2025-01-05T12:00:00.000Z', '2024-12-29T12:00:00.000Z']);
    expect(kept(selectKeep(b, { monthly: 2 }, { utc: true }))).toEqual(['2025-02-01T12:00:00.000Z', '2025-01-05T12:00:00.000Z']);
    expect(kept(selectKeep(b, { yearly: 5 }, { utc: true }))).toEqual(['2025-02-01T12:00:00.000Z', '2024-12-30T12:00:00.000Z', '2023-06-01T00:00:00.000Z']);
  });

  it('always keeps backups in use, and says why', () => {
    const d = selectKeep(hourlyForThreeDays, { last: 1 }, { utc: true, inUse: new Set(['g/2025-01-01T00:30:00.000Z']) });
    expect(kept(d)).toEqual(['2025-01-03T23:30:00.000Z', '2025-01-01T00:30:00.000Z']);
    expect(d.find((x) => x.id === 'g/2025-01-01T00:30:00.000Z')?.reasons).toEqual(['in use by a running backup or restore']);
  });

  it('keeps backups protected from pruning on top of what the rules keep', () => {
    // last 2 keeps the two newest (one of them also protected); the old protected one is kept besides.
    const newest = 'g/2025-01-03T23:30:00.000Z';
    const d = selectKeep(hourlyForThreeDays, { last: 2 }, { utc: true, pinned: new Set([newest, 'g/2025-01-01T00:30:00.000Z']) });
    expect(kept(d)).toEqual(['2025-01-03T23:30:00.000Z', '2025-01-03T22:30:00.000Z', '2025-01-01T00:30:00.000Z']);
    expect(d.find((x) => x.id === newest)?.reasons).toEqual(['last #1 of 2', 'protected from pruning']);
    expect(d.find((x) => x.id === 'g/2025-01-01T00:30:00.000Z')?.reasons).toEqual(['protected from pruning']);
  });
});
