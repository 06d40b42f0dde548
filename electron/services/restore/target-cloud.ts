import type { ProviderView } from '../../../shared/domain/providers';
import { AppError } from '../../../shared/errors/codes';
import { providerIdOf, type CloudIdentity } from '../providers/cloud-identity';

export interface CloudLookup {
  find(idOrName: string): ProviderView | undefined;
  list(): ProviderView[];
}

/**
 * The cloud an instance is restored into: the one given, else the cloud the restore point was
 * taken from, found by its identity (Keystone URL + region, which survive a lost catalog or a
 * cloud removed and added again under a new id), else (restore points made before the identity
 * was recorded) by the id it recorded. None: what to add, said once.
 */
export function resolveTargetCloud(
  providers: CloudLookup,
  o: { given?: string | undefined; providerId: string | null; cloud: CloudIdentity | null; what: string },
): ProviderView {
  if (o.given) {
    const p = providers.find(o.given);
    if (!p) throw new AppError('resource.notFound', `No cloud named or with id "${o.given}". List them with: backstack provider list`);
    return p;
  }
  const id = providerIdOf(providers, o.providerId, o.cloud);
  const p = id ? providers.find(id) : undefined;
  if (p) return p;
  const keep = 'The restore point is kept: its disks can also be restored to files with backstack destination folder disk-restore.';
  if (o.cloud)
    throw new AppError(
      'resource.notFound',
      `The cloud that ${o.what} was backed up from is not in Backstack (it was removed, or this catalog is new). Add it under Clouds with Keystone URL ${o.cloud.authUrl} and region ${o.cloud.region} (or: backstack provider add), then restore again. ${keep}`,
    );
  throw new AppError(
    'resource.notFound',
    `The cloud that ${o.what} was backed up from is not in Backstack, and this restore point (made by an older Backstack) does not record its Keystone URL: add the cloud again and name it for the restore (backstack restore run --provider NAME). ${keep}`,
  );
}

/**
 * Runs `fn` with the first of a cloud's clients (one per authentication domain) that signs in,
 * or with undefined when none does; every client is closed afterwards.
 */
export async function withSignedIn<C extends { authenticate(signal?: AbortSignal): Promise<unknown>; close(): Promise<unknown> }, T>(
  entries: readonly { client: C }[],
  signal: AbortSignal | undefined,
  fn: (client: C | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await fn(await firstSignedIn(entries.map((e) => e.client), signal));
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}

/** The first client that signs in (an account without a role in the target project fails); a cancelled sign-in is not a failure to skip. */
export async function firstSignedIn<C extends { authenticate(signal?: AbortSignal): Promise<unknown> }>(clients: C[], signal?: AbortSignal): Promise<C | undefined> {
  for (const c of clients) {
    const ok = await c.authenticate(signal).then(
      () => true,
      (err: unknown) => (signal?.aborted ? Promise.reject(err) : false),
    );
    if (ok) return c;
  }
  return undefined;
}
