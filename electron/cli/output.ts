// Loaded by every run, --version included: keep it free of zod and of the core (app-error.ts, not codes.ts).
import { InvalidArgumentError } from 'commander';
import type { Result } from '../../shared/ipc/result';
import { AppError } from '../../shared/errors/app-error';
export { formatBytes } from '../../shared/format';

/** Unwraps a Result for the CLI: the error's message is what the user reads, its code the exit status. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw AppError.fromPayload(r.error);
}

export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3, notFound: 4, cancelled: 130 } as const;

/** Options that contradict each other or miss a partner: exit 2, like commander's own usage errors. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function exitCodeFor(e: AppError): number {
  if (e.code === 'validation.invalidInput') return EXIT.invalid;
  if (e.code === 'resource.notFound') return EXIT.notFound;
  if (e.code === 'job.cancelled') return EXIT.cancelled;
  return EXIT.failure;
}

export function printJson(value: unknown, out: (s: string) => void): void {
  out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Plain aligned columns; no colour so output pipes cleanly. */
export function table(rows: string[][], out: (s: string) => void): void {
  if (rows.length === 0) return;
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) out(`${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}\n`);
}

/** A whole number ≥ 0 from an option value; commander reports the throw as a usage error. */
export const wholeNumber =
  (flag: string) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 0, not "${v}".`);
    return n;
  };
