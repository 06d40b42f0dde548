import type { Dispatcher } from 'undici';
import { ProviderClient, pinKey, type AuthScope, type Clock, type Credentials, type TlsOptions } from '../../openstack';
import type { AuthDomainInput, EndpointInterface } from '../../../shared/domain/providers';

/** The secret stored for an authentication domain (sealed in the catalog). */
export type DomainSecret = { kind: 'password'; password: string } | { kind: 'applicationCredential'; id: string; secret: string };

export interface DomainIdentity {
  name: string;
  domainId: string | null;
  userName: string;
  userDomain: string | null;
  defaultProject: string | null;
}

export interface ConnectionSettings {
  authUrl: string;
  region: string;
  endpointInterface: EndpointInterface;
  caFile: string | null;
  pinnedFingerprint: string | null;
}

export function secretOf(d: AuthDomainInput): DomainSecret | undefined {
  if (d.applicationCredential) return { kind: 'applicationCredential', id: d.applicationCredential.id, secret: d.applicationCredential.secret };
  if (d.password) return { kind: 'password', password: d.password };
  return undefined;
}

export function credentialsFor(d: DomainIdentity, secret: DomainSecret): Credentials {
  if (secret.kind === 'applicationCredential') return { kind: 'applicationCredential', id: secret.id, secret: secret.secret };
  const userDomain = d.userDomain ?? d.name;
  return {
    kind: 'password',
    username: d.userName,
    password: secret.password,
    ...(d.userDomain === null && d.domainId ? { userDomainId: d.domainId } : { userDomainName: userDomain }),
  };
}

/** The default project when one is named; else unscoped (the sync then picks projects itself). */
export function defaultScope(d: DomainIdentity): AuthScope {
  if (!d.defaultProject) return { kind: 'unscoped' };
  return d.domainId
    ? { kind: 'project', name: d.defaultProject, domainId: d.domainId }
    : { kind: 'project', name: d.defaultProject, domainName: d.name };
}

export function tlsFor(c: ConnectionSettings): TlsOptions {
  return {
    ...(c.caFile ? { caFile: c.caFile } : {}),
    ...(c.pinnedFingerprint ? { pins: { [pinKey(c.authUrl)]: c.pinnedFingerprint } } : {}),
  };
}

/** `dispatcher` replaces the network (benchmarks and tests use an undici MockAgent cloud), `clock` the time its waits and retries take. */
export function openClient(
  c: ConnectionSettings,
  d: DomainIdentity,
  secret: DomainSecret,
  scope: AuthScope = defaultScope(d),
  dispatcher?: Dispatcher,
  clock?: Clock,
): ProviderClient {
  // Application credentials carry their own scope: Keystone refuses an explicit one.
  const effectiveScope: AuthScope = secret.kind === 'applicationCredential' ? { kind: 'default' } : scope;
  return new ProviderClient({
    authUrl: c.authUrl,
    region: c.region,
    interface: c.endpointInterface,
    credentials: credentialsFor(d, secret),
    scope: effectiveScope,
    tls: tlsFor(c),
    ...(dispatcher ? { dispatcher } : {}),
    ...(clock ? { clock } : {}),
    userAgent: 'backstack',
  });
}
