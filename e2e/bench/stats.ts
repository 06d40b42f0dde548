/**
 * What every benchmark reports: a figure is the median of its rounds with the spread (min–max),
 * so it is what a user would see on a typical run, and one lucky or disturbed round shows in the
 * spread instead of becoming the figure. A ratio against a peer is a ratio of medians.
 */

/** Rounds a judged run needs: the median of fewer is one round's luck. */
export const JUDGED_ROUNDS = 3;

export interface Figure {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** One figure from its per-round values (in the unit it is printed in). */
export function figure(values: readonly number[]): Figure {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), rounds: values.length };
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The figure as printed: each number rounded. */
export const rounded = (f: Figure, digits = 2): Figure => ({ median: round(f.median, digits), min: round(f.min, digits), max: round(f.max, digits), rounds: f.rounds });

/** `a` against `b`, on their medians (rounded to 2 digits). */
export const ratioOfMedians = (a: Figure, b: Figure): number => round(a.median / b.median);

export interface RoundsPlan {
  rounds: number;
  /** false below JUDGED_ROUNDS: a quick try, whose figures no target may be judged on */
  judged: boolean;
  note: string;
}

/** BENCH_ROUNDS (default JUDGED_ROUNDS); fewer are allowed for a quick try and say so. */
export function benchRounds(env: Record<string, string | undefined> = process.env): RoundsPlan {
  const raw = env.BENCH_ROUNDS;
  const rounds = raw === undefined || raw === '' ? JUDGED_ROUNDS : Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number ≥ 1 (got ${raw})`);
  const judged = rounds >= JUDGED_ROUNDS;
  const note = judged
    ? `figures are medians of ${rounds} rounds with their spread (min–max); ratios are ratios of medians`
    : `NOT A JUDGED RUN: ${rounds} round${rounds === 1 ? '' : 's'} (a judged run needs at least ${JUDGED_ROUNDS}); figures are medians with their spread`;
  return { rounds, judged, note };
}

/** The report as indented JSON, each figure on one line so a column of them reads at a glance. */
export function formatReport(doc: unknown): string {
  const figureLines = /\{\n\s*"median": ([^,\n]+),\n\s*"min": ([^,\n]+),\n\s*"max": ([^,\n]+),\n\s*"rounds": (\d+)\n\s*\}/g;
  return `${JSON.stringify(doc, null, 2).replace(figureLines, '{ "median": $1, "min": $2, "max": $3, "rounds": $4 }')}\n`;
}
