import { z } from 'zod';
import { AuthDomainInput, checkAuthDomains, type EndpointInterface, type ProviderInput } from '../../../../shared/domain/providers';

/** The wizard's draft: what the steps edit, sent as one request at the end. */
export interface WizardDraft {
  name: string;
  authUrl: string;
  region: string;
  endpointInterface: z.infer<typeof EndpointInterface>;
  trustCertificates: boolean;
  caFile: string;
  scoped: boolean;
  authDomains: { name: string; domainId: string; userName: string; password: string; defaultProject: string }[];
}

export const emptyDraft = (): WizardDraft => ({
  name: '',
  authUrl: '',
  region: 'RegionOne',
  endpointInterface: 'public',
  trustCertificates: false,
  caFile: '',
  scoped: false,
  authDomains: [{ name: 'Default', domainId: '', userName: '', password: '', defaultProject: '' }],
});

/** Each step owns the schema of its slice; Next is enabled when it parses. */
export const cloudStep = z.object({
  name: z.string().trim().min(1, 'Give the cloud a name').max(128),
  authUrl: z.string().trim().url('A Keystone URL such as https://keystone.example.com:5000/v3'),
  region: z.string().trim().min(1, 'The region, e.g. RegionOne'),
});

// The rules between scoped authorization and the domains are the contract's (checkAuthDomains).
export const domainsStep = z
  .object({ scoped: z.boolean(), authDomains: z.array(AuthDomainInput.extend({ password: z.string().min(1, 'Enter the password') })).min(1) })
  .superRefine(checkAuthDomains);

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

export function toInput(d: WizardDraft): ProviderInput {
  return {
    name: d.name.trim(),
    authUrl: d.authUrl.trim(),
    region: d.region.trim(),
    endpointInterface: d.endpointInterface,
    trustCertificates: d.trustCertificates,
    scoped: d.scoped,
    ...(opt(d.caFile) ? { caFile: opt(d.caFile) } : {}),
    authDomains: d.authDomains.map((a) => ({
      name: a.name.trim(),
      userName: a.userName.trim(),
      password: a.password,
      ...(opt(a.domainId) ? { domainId: opt(a.domainId) } : {}),
      ...(opt(a.defaultProject) ? { defaultProject: opt(a.defaultProject) } : {}),
    })),
  };
}

export const firstError = (r: { success: boolean; error?: z.ZodError }): string | null =>
  r.success ? null : (r.error?.issues[0]?.message ?? 'Incomplete');
