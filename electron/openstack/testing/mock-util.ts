// Small helpers shared by the mock services.
import { compareVersions } from '../core/microversions';
import type { IssuedToken, MockReply, MockRequest } from './mock-cloud';

export type Wire = Record<string, unknown>;
// A path segment that is an id, never the word "detail" of a detail listing.
export const ID = '(?!detail(?:/|$))([^/]+)';

export const forbidden = (rule: string): MockReply => ({
  status: 403,
  body: { forbidden: { code: 403, message: `Policy doesn't allow ${rule} to be performed.` } },
});
export const notFound = (what: string): MockReply => ({ status: 404, body: { itemNotFound: { code: 404, message: what } } });

export function atLeast(req: MockRequest, base: string, v: string): boolean {
  return compareVersions(req.microversion ?? base, v) >= 0;
}

export function isAdmin(t: IssuedToken): boolean {
  return t.roles.includes('admin');
}

export function projectOf(t: IssuedToken): string | undefined {
  return t.scope.kind === 'project' ? t.scope.id : undefined;
}

export function strip(o: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(o)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

