// When a request may be sent again. Only where it is safe: idempotent requests (GET/HEAD, or a
// request the caller marks idempotent such as a token request) on 503 and connection resets;
// any request on 429 with Retry-After, because a rate-limited request was not processed.

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for; the RateLimitedError carries it instead. */
  maxRetryAfterMs: number;
  /** Jitter source in [0, 1); injectable for deterministic tests. */
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
};

/** Exponential backoff with half jitter: attempt 1 → [base/2, base), attempt 2 → [base, 2·base) ... */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function isIdempotentMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export interface RetryDecisionInput {
  status: number;
  retryAfterMs: number | undefined;
  idempotent: boolean;
  attempt: number;
}

/** Milliseconds to wait before the next attempt, or undefined to give up and report the response. */
export function retryDelayForStatus(policy: RetryPolicy, input: RetryDecisionInput): number | undefined {
  if (input.attempt >= policy.maxAttempts) return undefined;
  if (input.status === 429) {
    if (input.retryAfterMs !== undefined) return input.retryAfterMs <= policy.maxRetryAfterMs ? input.retryAfterMs : undefined;
    return input.idempotent ? backoffDelay(policy, input.attempt) : undefined;
  }
  if (input.status === 503 && input.idempotent) {
    if (input.retryAfterMs !== undefined && input.retryAfterMs <= policy.maxRetryAfterMs) return input.retryAfterMs;
    return backoffDelay(policy, input.attempt);
  }
  return undefined;
}

/** Network failures worth another attempt: the connection broke, the request may not have arrived. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}
