import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'backstack_token';

export const newToken = (): string => randomBytes(32).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

/** The token may come as a cookie (the browser), a bearer header (CLI, tests) or `?token=` (first visit, WebSocket). */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const fromQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return fromQuery ?? cookieToken(req);
}

export const isAuthorized = (req: IncomingMessage, token: string): boolean => {
  const t = presentedToken(req);
  return t !== undefined && same(t, token);
};

/**
 * DNS-rebinding guard: a page on another origin that resolves to 127.0.0.1 sends its own
 * Host header. Only the names this server was started for are accepted.
 */
export function hostAllowed(req: IncomingMessage, allowedHosts: ReadonlySet<string>): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return allowedHosts.has(host);
}
