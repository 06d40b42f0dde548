import { z } from 'zod';

export const EndpointInterface = z.enum(['public', 'internal', 'admin']);
export type EndpointInterface = z.infer<typeof EndpointInterface>;
/** What a saved cloud may name (older versions stored all three). */
export const BackupStrategy = z.enum(['libvirt-ssh', 'disk-attachment', 'image-transfer']);
export type BackupStrategy = z.infer<typeof BackupStrategy>;
/**
 * The strategies that back up: libvirt (SSH to the hypervisors), disk attachment (Cinder volumes
 * read on a proxy VM) and image transfer (a Nova snapshot downloaded from Glance).
 */
export const OfferedStrategy = z.enum(['libvirt-ssh', 'disk-attachment', 'image-transfer']);
export type OfferedStrategy = z.infer<typeof OfferedStrategy>;
/** Each strategy in a few words, for people. */
export const STRATEGY_WORDS: Record<OfferedStrategy, string> = {
  'libvirt-ssh': 'libvirt over SSH',
  'disk-attachment': 'Disk attachment (proxy VM)',
  'image-transfer': 'Image transfer (Glance)',
};

const name = z.string().trim().min(1).max(128);
const optionalText = z.string().trim().max(255).optional();

/** An authentication domain as the wizard sends it (the password travels one way: to the core). */
export const AuthDomainInput = z.object({
  /**
   * Editing a saved cloud: the saved authentication domain this one is (AuthDomainView.id). Given
   * without a password or application credential, its stored secret is kept.
   */
  id: z.string().min(1).max(200).optional(),
  /** domain name as Keystone knows it (e.g. Default) */
  name,
  domainId: optionalText,
  userName: name,
  /** the user's own domain when it differs from `name` */
  userDomain: optionalText,
  password: z.string().min(1).max(4096).optional(),
  applicationCredential: z.object({ id: z.string().min(1).max(255), secret: z.string().min(1).max(4096) }).optional(),
  defaultProject: optionalText,
});
export type AuthDomainInput = z.infer<typeof AuthDomainInput>;

/**
 * The rules between "domain-scoped authorization" and the authentication domains, written once:
 * the contract's input schema and the wizard's step both apply them.
 */
export function checkAuthDomains(v: { scoped: boolean; authDomains: readonly { name: string }[] }, ctx: z.RefinementCtx): void {
  if (!v.scoped && v.authDomains.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['authDomains'],
      message:
        'Unscoped authorization uses one authentication domain that reaches every domain; turn on domain-scoped authorization to add one per domain.',
    });
  }
  if (v.scoped && new Set(v.authDomains.map((d) => d.name)).size !== v.authDomains.length) {
    ctx.addIssue({ code: 'custom', path: ['authDomains'], message: 'With domain-scoped authorization each authentication domain names a different domain.' });
  }
}

export const ProviderInput = z
  .object({
    name,
    authUrl: z.string().trim().url().max(2048),
    region: z.string().trim().min(1).max(128).default('RegionOne'),
    endpointInterface: EndpointInterface.default('public'),
    strategy: OfferedStrategy.default('libvirt-ssh'),
    trustCertificates: z.boolean().default(false),
    caFile: z.string().trim().max(4096).optional(),
    /** "Use domain-scoped authorization": one authentication domain per scanned domain */
    scoped: z.boolean().default(false),
    authDomains: z.array(AuthDomainInput).min(1).max(64),
  })
  .strict()
  .superRefine(checkAuthDomains);
export type ProviderInput = z.input<typeof ProviderInput>;
export type ProviderInputParsed = z.output<typeof ProviderInput>;

/** What a client sees of an authentication domain: never the password. */
export const AuthDomainView = z.object({
  id: z.string(),
  name: z.string(),
  domainId: z.string().nullable(),
  userName: z.string(),
  userDomain: z.string().nullable(),
  defaultProject: z.string().nullable(),
  authKind: z.enum(['password', 'application-credential']),
});
export type AuthDomainView = z.infer<typeof AuthDomainView>;

export const CertificateView = z.object({
  subject: z.string(),
  issuer: z.string().optional(),
  fingerprint256: z.string(),
  validTo: z.string().optional(),
});
export type CertificateView = z.infer<typeof CertificateView>;

export const ProviderView = z.object({
  id: z.string(),
  name: z.string(),
  authUrl: z.string(),
  region: z.string(),
  endpointInterface: EndpointInterface,
  strategy: BackupStrategy,
  trustCertificates: z.boolean(),
  caFile: z.string().nullable(),
  scoped: z.boolean(),
  pinnedCertificate: z.object({ subject: z.string(), fingerprint256: z.string() }).nullable(),
  authDomains: z.array(AuthDomainView),
  lastSyncAt: z.string().nullable(),
  lastSyncError: z.string().nullable(),
  createdAt: z.string(),
});
export type ProviderView = z.infer<typeof ProviderView>;

export const ServiceCheck = z.object({
  type: z.string(),
  name: z.string().nullable(),
  endpoint: z.string().nullable(),
  /** "2.93", "3.70", or null for services without microversions */
  maxMicroversion: z.string().nullable(),
  ok: z.boolean(),
  message: z.string().nullable(),
});
export const ConnectionTest = z.object({
  ok: z.boolean(),
  /** set when the endpoint presents a certificate nobody vouches for: show it and ask */
  certificate: CertificateView.nullable(),
  authDomains: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string().nullable(), projects: z.number().int().nullable() })),
  services: z.array(ServiceCheck),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ConnectionTest = z.infer<typeof ConnectionTest>;

/**
 * A saved cloud as an edit that changes nothing: every field, each authentication domain with
 * its id and without its secret (kept). The edit form, `provider edit` and a re-test start here.
 */
export function savedAsEdit(p: ProviderView): ProviderInputParsed {
  return {
    name: p.name,
    authUrl: p.authUrl,
    region: p.region,
    endpointInterface: p.endpointInterface,
    strategy: p.strategy,
    trustCertificates: p.trustCertificates,
    scoped: p.scoped,
    ...(p.caFile ? { caFile: p.caFile } : {}),
    authDomains: p.authDomains.map((d) => ({
      id: d.id,
      name: d.name,
      userName: d.userName,
      ...(d.domainId ? { domainId: d.domainId } : {}),
      ...(d.userDomain ? { userDomain: d.userDomain } : {}),
      ...(d.defaultProject ? { defaultProject: d.defaultProject } : {}),
    })),
  };
}
