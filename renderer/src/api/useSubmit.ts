import { useState } from 'react';
import type { AppError } from '../../../shared/errors/app-error';
import { asAppError } from './errors';

/**
 * A form's submit: busy while it runs, and the error kept for the form to show beside its fields
 * (a form stays open on failure, so its error belongs in it rather than in a toast).
 */
export function useSubmit<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const run = async (...args: A): Promise<{ ok: true; value: R } | { ok: false }> => {
    setBusy(true);
    setError(null);
    try {
      return { ok: true, value: await fn(...args) };
    } catch (e) {
      setError(asAppError(e));
      return { ok: false };
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clearError: () => setError(null) };
}
