// Nova key pairs (per user; an admin may list another user's from 2.10).
import { z } from 'zod';
import { Pager } from '../core/pager';
import type { ServiceClient } from '../core/service-client';

export const RawKeypair = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  fingerprint: z.string().optional(),
  public_key: z.string().optional(),
  user_id: z.string().optional(),
  created_at: z.string().optional(),
});
export type RawKeypair = z.infer<typeof RawKeypair>;

export interface Keypair {
  name: string;
  /** "ssh" or "x509"; "ssh" before microversion 2.2. */
  type: string;
  fingerprint: string | undefined;
  publicKey: string | undefined;
  userId: string | undefined;
  createdAt: string | undefined;
}

export function toKeypair(raw: RawKeypair): Keypair {
  return {
    name: raw.name,
    type: raw.type ?? 'ssh',
    fingerprint: raw.fingerprint,
    publicKey: raw.public_key,
    userId: raw.user_id,
    createdAt: raw.created_at,
  };
}

export interface ListKeypairsOptions {
  /** Another user's key pairs (admin, needs 2.10). */
  userId?: string;
  limit?: number;
  signal?: AbortSignal;
}

export function listKeypairs(compute: ServiceClient, opts: ListKeypairsOptions = {}): Pager<Keypair, { keypair: RawKeypair }> {
  return new Pager(compute, {
    path: 'os-keypairs',
    query: { user_id: opts.userId },
    key: 'keypairs',
    item: z.looseObject({ keypair: RawKeypair }), // each entry is wrapped: {"keypair": {...}}
    map: (k) => toKeypair(k.keypair),
    limit: opts.limit,
    markerOf: (k) => k.keypair.name,
    features: ['compute.keypairType', 'compute.keypairsPaging'],
    ...(opts.userId ? { requireFeatures: ['compute.keypairsOfOtherUsers'] as const } : {}),
    signal: opts.signal,
  });
}

export async function getKeypair(compute: ServiceClient, name: string, opts: { userId?: string; signal?: AbortSignal } = {}): Promise<Keypair> {
  const res = await compute.get(`os-keypairs/${encodeURIComponent(name)}`, {
    query: { user_id: opts.userId },
    schema: z.looseObject({ keypair: RawKeypair }),
    features: ['compute.keypairType'],
    ...(opts.userId ? { requireFeatures: ['compute.keypairsOfOtherUsers'] as const } : {}),
    signal: opts.signal,
  });
  return toKeypair(res.body.keypair);
}
