import { z } from 'zod';
import { SshLoginFields } from './backups';

/**
 * Proxy VMs of the disk-attachment strategy: instances in the cloud that temporary volumes are
 * attached to and read on, reached over SSH (directly, or through a hypervisor as jump host).
 * The key or password is sealed in the catalog and never returned.
 */

export const ProxyInput = z
  .object({
    providerId: z.string().trim().min(1).max(200),
    /** the proxy instance: its Nova id (or its name, resolved when the proxy is added) */
    server: z.string().trim().min(1).max(255),
    ...SshLoginFields,
    /** reach the proxy through this hypervisor's SSH settings (a jump host, as `ssh -J`) */
    viaHypervisor: z.string().trim().min(1).max(255).optional(),
  })
  .strict()
  .refine((v) => Boolean(v.privateKey) !== Boolean(v.password), { message: 'Give either a private key or a password.' })
  .refine((v) => !v.passphrase || Boolean(v.privateKey), { message: 'A passphrase goes with a private key.', path: ['passphrase'] });
export type ProxyInput = z.input<typeof ProxyInput>;

export const ProxyView = z.object({
  id: z.string(),
  providerId: z.string(),
  /** Nova id of the proxy instance */
  serverId: z.string(),
  serverName: z.string(),
  availabilityZone: z.string().nullable(),
  address: z.string(),
  port: z.number().int(),
  user: z.string(),
  auth: z.enum(['key', 'password']),
  hostKey: z.string().nullable(),
  viaHypervisor: z.string().nullable(),
  createdAt: z.string(),
});
export type ProxyView = z.infer<typeof ProxyView>;

export const ProxyTest = z.object({
  id: z.string(),
  ok: z.boolean(),
  hostKey: z.string().nullable(),
  pinnedNow: z.boolean(),
  /** the proxy's python3 version, null when it has none */
  python: z.string().nullable(),
  /** the proxy instance's status in Nova, null when it was not found */
  serverStatus: z.string().nullable(),
  problems: z.array(z.string()),
});
export type ProxyTest = z.infer<typeof ProxyTest>;
