import { z } from 'zod';

/**
 * What names a cloud across reinstalls: its Keystone URL (scheme, host, port and path, without a
 * trailing slash or `/v3`) and region. The catalog's provider id is random and lost with it, so
 * restore points record this (manifest source `cloud`) and are matched to a cloud added again.
 */
export interface CloudIdentity {
  authUrl: string;
  region: string;
}

/** The identity as a manifest holds it: read from a backup, so checked (a bad one is no identity). */
const Stored = z.object({ authUrl: z.string().url().max(2048), region: z.string().min(1).max(128) });

/** The normalised identity of a cloud's Keystone URL and region. */
export function cloudIdentity(c: { authUrl: string; region: string }): CloudIdentity {
  const url = new URL(c.authUrl.trim());
  // URL lower-cases the host and drops a default port; the version suffix is not part of the cloud
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v(3|2\.0)$/, '').replace(/\/+$/, '');
  return { authUrl: `${url.protocol}//${url.host}${path}`, region: c.region.trim() };
}

/** The identity a manifest's source records, or null (backups made before it was recorded). */
export function identityOfSource(source: unknown): CloudIdentity | null {
  const r = Stored.safeParse((source as { cloud?: unknown } | null)?.cloud);
  return r.success ? cloudIdentity(r.data) : null;
}

export function sameCloud(a: CloudIdentity, b: { authUrl: string; region: string }): boolean {
  const n = cloudIdentity(b);
  return a.authUrl === n.authUrl && a.region === n.region;
}

/** The id of the cloud a restore point is of: the recorded one while known, else the cloud with its identity, else the recorded one. */
export function providerIdOf(
  providers: { list(): { id: string; authUrl: string; region: string }[] },
  recorded: string | null,
  cloud: CloudIdentity | null,
): string | null {
  const all = providers.list();
  if (recorded && all.some((p) => p.id === recorded)) return recorded;
  return (cloud && all.find((p) => sameCloud(cloud, p))?.id) ?? recorded;
}
