import { z } from 'zod';
import {
  AuthDomainInput,
  checkAuthDomains,
  type EndpointInterface,
  type OfferedStrategy,
  type ProviderInput,
  type ProviderView,
} from '../../../../shared/domain/providers';

export type CredentialKind = 'password' | 'applicationCredential';

/** One authentication domain as the form edits it; secrets start empty and are never filled from the core. */
export interface DomainDraft {
  /** the saved domain this is (editing a cloud); null for a new one */
  id: string | null;
  /** what the saved domain has stored: left empty, the secret is kept */
  stored: CredentialKind | null;
  name: string;
  domainId: string;
  userName: string;
  /** the user's own domain when it is not `name` */
  userDomain: string;
  kind: CredentialKind;
  password: string;
  appCredId: string;
  appCredSecret: string;
  defaultProject: string;
}

/** The wizard's draft: what the steps edit, sent as one request at the end. */
export interface WizardDraft {
  name: string;
  authUrl: string;
  region: string;
  endpointInterface: z.infer<typeof EndpointInterface>;
  /** how backups read disks: over SSH from the hypervisors, or a Nova snapshot through Glance */
  strategy: OfferedStrategy;
  trustCertificates: boolean;
  caFile: string;
  scoped: boolean;
  authDomains: DomainDraft[];
}

export const emptyDomain = (name = ''): DomainDraft => ({
  id: null,
  stored: null,
  name,
  domainId: '',
  userName: '',
  userDomain: '',
  kind: 'password',
  password: '',
  appCredId: '',
  appCredSecret: '',
  defaultProject: '',
});

export const emptyDraft = (): WizardDraft => ({
  name: '',
  authUrl: '',
  region: 'RegionOne',
  endpointInterface: 'public',
  strategy: 'libvirt-ssh',
  trustCertificates: false,
  caFile: '',
  scoped: false,
  authDomains: [emptyDomain('Default')],
});

/** A saved cloud in the form: every field as saved, each secret "stored — leave empty to keep". */
export function draftFromSaved(p: ProviderView): WizardDraft {
  return {
    name: p.name,
    authUrl: p.authUrl,
    region: p.region,
    endpointInterface: p.endpointInterface,
    strategy: p.strategy,
    trustCertificates: p.trustCertificates,
    caFile: p.caFile ?? '',
    scoped: p.scoped,
    authDomains: p.authDomains.map((d) => {
      const stored: CredentialKind = d.authKind === 'password' ? 'password' : 'applicationCredential';
      return {
        ...emptyDomain(d.name),
        id: d.id,
        stored,
        kind: stored,
        domainId: d.domainId ?? '',
        userName: d.userName,
        userDomain: d.userDomain ?? '',
        defaultProject: d.defaultProject ?? '',
      };
    }),
  };
}

/** Each step owns the schema of its slice; Next is enabled when it parses. */
export const cloudStep = z.object({
  name: z.string().trim().min(1, 'Give the cloud a name').max(128),
  authUrl: z.string().trim().url('A Keystone URL such as https://keystone.example.com:5000/v3'),
  region: z.string().trim().min(1, 'The region, e.g. RegionOne'),
});

// The rules between scoped authorization and the domains are the contract's (checkAuthDomains).
const domainsShape = z.object({ scoped: z.boolean(), authDomains: z.array(AuthDomainInput).min(1) }).superRefine(checkAuthDomains);

/** Why the authentication step is not complete, or null: each domain needs its secret unless the stored one is kept. */
export function domainsError(d: WizardDraft): string | null {
  for (const a of d.authDomains) {
    const keeps = a.stored === a.kind;
    if (a.kind === 'password' && !a.password && !keeps) return `Enter the password of ${a.userName || 'the user'}`;
    const appCred = [a.appCredId.trim(), a.appCredSecret].filter(Boolean).length;
    if (a.kind === 'applicationCredential' && appCred < 2 && !(keeps && appCred === 0)) return 'Enter the application credential ID and its secret';
  }
  return firstError(domainsShape.safeParse(toInput(d)));
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

function secretOf(a: DomainDraft): Partial<ProviderInput['authDomains'][number]> {
  if (a.kind === 'password') return a.password ? { password: a.password } : {};
  return a.appCredId.trim() && a.appCredSecret ? { applicationCredential: { id: a.appCredId.trim(), secret: a.appCredSecret } } : {};
}

export function toInput(d: WizardDraft): ProviderInput {
  return {
    name: d.name.trim(),
    authUrl: d.authUrl.trim(),
    region: d.region.trim(),
    endpointInterface: d.endpointInterface,
    strategy: d.strategy,
    trustCertificates: d.trustCertificates,
    scoped: d.scoped,
    ...(opt(d.caFile) ? { caFile: opt(d.caFile) } : {}),
    authDomains: d.authDomains.map((a) => ({
      ...(a.id ? { id: a.id } : {}),
      name: a.name.trim(),
      userName: a.userName.trim(),
      ...secretOf(a),
      ...(opt(a.domainId) ? { domainId: opt(a.domainId) } : {}),
      ...(opt(a.userDomain) ? { userDomain: opt(a.userDomain) } : {}),
      ...(opt(a.defaultProject) ? { defaultProject: opt(a.defaultProject) } : {}),
    })),
  };
}

export const firstError = (r: { success: boolean; error?: z.ZodError }): string | null =>
  r.success ? null : (r.error?.issues[0]?.message ?? 'Incomplete');
