import type { PreflightItem } from '../../../shared/domain/restore-preflight';

/** The items of a pre-flight, by severity; and an error's message for one that could not be read. */
export const blocker = (field: PreflightItem['field'], item: string, message: string): PreflightItem => ({ severity: 'blocker', field, item, message });
export const warning = (field: PreflightItem['field'], item: string, message: string): PreflightItem => ({ severity: 'warning', field, item, message });
export const info = (field: PreflightItem['field'], item: string, message: string): PreflightItem => ({ severity: 'info', field, item, message });
export const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A read that may fail: its value, or the error its check turns into a warning. */
export type Settled<T> = { value: T } | { error: unknown };
export const settle = <T>(pr: Promise<T>): Promise<Settled<T>> =>
  pr.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** A check that could not be read: the restore goes on and finds out. */
export const unreadItem = (field: PreflightItem['field'], item: string, e: unknown): PreflightItem =>
  warning(field, item, `Could not be checked (${reason(e)}); the restore will find out.`);
