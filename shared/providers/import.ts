import { parse as parseYaml } from 'yaml';
import type { AuthDomainInput, EndpointInterface, ProviderInput } from '../domain/providers';

/** What an openrc file or a clouds.yaml entry tells about a cloud; the wizard fills the rest. */
export interface ProviderDraft {
  authUrl?: string;
  region?: string;
  endpointInterface?: EndpointInterface;
  caFile?: string;
  authDomain: Partial<AuthDomainInput>;
}

const unquote = (v: string): string => {
  const t = v.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t.replace(/\s+#.*$/, '');
};

const toInterface = (v: string | undefined): EndpointInterface | undefined => {
  const i = v?.replace(/URL$/i, '').toLowerCase();
  return i === 'public' || i === 'internal' || i === 'admin' ? i : undefined;
};

/** Reads `export OS_…=…` lines (Horizon's and kolla's openrc files). Nothing is executed. */
export function parseOpenrc(text: string): ProviderDraft {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?(OS_[A-Z0-9_]+)=(.*)$/.exec(line);
    // Values computed by the shell ($OS_PASSWORD_INPUT) are unknown here: the wizard asks.
    if (m?.[1] && m[2] !== undefined && !m[2].includes('$')) env[m[1]] = unquote(m[2]);
  }
  if (!env.OS_AUTH_URL) throw new Error('This file sets no OS_AUTH_URL: it does not look like an OpenStack RC file.');
  const domain = env.OS_PROJECT_DOMAIN_NAME ?? env.OS_DOMAIN_NAME ?? env.OS_USER_DOMAIN_NAME ?? 'Default';
  const authDomain: Partial<AuthDomainInput> = {
    name: domain,
    domainId: env.OS_PROJECT_DOMAIN_ID ?? env.OS_DOMAIN_ID,
    userName: env.OS_USERNAME,
    userDomain: env.OS_USER_DOMAIN_NAME && env.OS_USER_DOMAIN_NAME !== domain ? env.OS_USER_DOMAIN_NAME : undefined,
    password: env.OS_PASSWORD,
    defaultProject: env.OS_PROJECT_NAME ?? env.OS_TENANT_NAME,
  };
  if (env.OS_APPLICATION_CREDENTIAL_ID && env.OS_APPLICATION_CREDENTIAL_SECRET) {
    authDomain.applicationCredential = { id: env.OS_APPLICATION_CREDENTIAL_ID, secret: env.OS_APPLICATION_CREDENTIAL_SECRET };
  }
  return clean({
    authUrl: env.OS_AUTH_URL,
    region: env.OS_REGION_NAME,
    endpointInterface: toInterface(env.OS_INTERFACE ?? env.OS_ENDPOINT_TYPE),
    caFile: env.OS_CACERT,
    authDomain,
  });
}

interface CloudEntry {
  auth?: Record<string, string | undefined>;
  region_name?: string;
  interface?: string;
  cacert?: string;
  auth_type?: string;
}

export function listClouds(text: string): string[] {
  const doc = parseYaml(text) as { clouds?: Record<string, unknown> } | null;
  return Object.keys(doc?.clouds ?? {});
}

/** One entry of a clouds.yaml (and its secure.yaml values, when given). */
export function parseCloudsYaml(text: string, cloud: string, secureText?: string): ProviderDraft {
  const doc = parseYaml(text) as { clouds?: Record<string, CloudEntry> } | null;
  const entry = doc?.clouds?.[cloud];
  if (!entry) throw new Error(`clouds.yaml has no cloud named "${cloud}" (it has: ${listClouds(text).join(', ') || 'none'}).`);
  const secure = secureText ? (parseYaml(secureText) as { clouds?: Record<string, CloudEntry> } | null)?.clouds?.[cloud] : undefined;
  const auth = { ...(entry.auth ?? {}), ...(secure?.auth ?? {}) };
  if (!auth.auth_url) throw new Error(`Cloud "${cloud}" has no auth.auth_url.`);
  const domain = auth.project_domain_name ?? auth.domain_name ?? auth.user_domain_name ?? 'Default';
  const authDomain: Partial<AuthDomainInput> = {
    name: domain,
    domainId: auth.project_domain_id ?? auth.domain_id,
    userName: auth.username,
    userDomain: auth.user_domain_name && auth.user_domain_name !== domain ? auth.user_domain_name : undefined,
    password: auth.password,
    defaultProject: auth.project_name,
  };
  if (auth.application_credential_id && auth.application_credential_secret) {
    authDomain.applicationCredential = { id: auth.application_credential_id, secret: auth.application_credential_secret };
  }
  return clean({
    authUrl: auth.auth_url,
    region: entry.region_name,
    endpointInterface: toInterface(entry.interface),
    caFile: entry.cacert,
    authDomain,
  });
}

/** Turns a draft and the wizard's choices into the request the core takes. */
export function draftToInput(name: string, d: ProviderDraft, extra: Partial<ProviderInput> = {}): ProviderInput {
  return {
    name,
    authUrl: d.authUrl ?? '',
    ...(d.region ? { region: d.region } : {}),
    ...(d.endpointInterface ? { endpointInterface: d.endpointInterface } : {}),
    ...(d.caFile ? { caFile: d.caFile } : {}),
    ...extra,
    authDomains: extra.authDomains ?? [
      { name: d.authDomain.name ?? 'Default', userName: d.authDomain.userName ?? '', ...clean(d.authDomain) } as AuthDomainInput,
    ],
  };
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}
