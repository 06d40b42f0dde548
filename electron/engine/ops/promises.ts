/**
 * Marks a promise as observed, so that if it rejects while its batch is abandoned (an earlier
 * await threw), Node does not treat it as an unhandled rejection and end the process. Whoever
 * awaits it later still gets the rejection.
 */
export function observed<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
