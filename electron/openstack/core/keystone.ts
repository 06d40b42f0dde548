// Keystone v3 token requests: credentials and scopes, the request body, and the token they yield.
import { inspect } from 'node:util';
import { z } from 'zod';
import { ServiceCatalog, RawCatalogEntry } from './service-catalog';
import { InvalidOptionsError } from './errors';

export type Credentials = PasswordCredentials | ApplicationCredentials;

export interface PasswordCredentials {
  kind: 'password';
  password: string;
  /** Either userId, or username with userDomainName / userDomainId. */
  userId?: string;
  username?: string;
  userDomainName?: string;
  userDomainId?: string;
}

export interface ApplicationCredentials {
  kind: 'applicationCredential';
  secret: string;
  /** Either id, or name with the owning user (userId, or username + user domain). */
  id?: string;
  name?: string;
  userId?: string;
  username?: string;
  userDomainName?: string;
  userDomainId?: string;
}

/**
 * default: no scope in the request; Keystone scopes to the user's default project if any.
 * unscoped: explicitly unscoped (lists reachable domains/projects; no catalog).
 */
export type AuthScope =
  | { kind: 'default' }
  | { kind: 'unscoped' }
  | { kind: 'project'; id: string }
  | { kind: 'project'; name: string; domainId?: string; domainName?: string }
  | { kind: 'domain'; id: string }
  | { kind: 'domain'; name: string }
  | { kind: 'system' };

export type TokenScope =
  | { kind: 'unscoped' }
  | { kind: 'project'; id: string; name: string; domainId: string | undefined; domainName: string | undefined }
  | { kind: 'domain'; id: string; name: string }
  | { kind: 'system' };

export interface TokenInfo {
  userId: string;
  userName: string;
  userDomainId: string | undefined;
  userDomainName: string | undefined;
  scope: TokenScope;
  roles: string[];
  methods: string[];
  expiresAt: string;
  issuedAt: string | undefined;
  /** The "admin" role under Keystone's legacy policies: may list all projects' resources. */
  isAdmin: boolean;
}

function userRef(c: { userId?: string | undefined; username?: string | undefined; userDomainId?: string | undefined; userDomainName?: string | undefined }): Record<string, unknown> {
  if (c.userId) return { id: c.userId };
  if (!c.username) throw new InvalidOptionsError('Credentials need a user id or a user name');
  if (c.userDomainId) return { name: c.username, domain: { id: c.userDomainId } };
  if (c.userDomainName) return { name: c.username, domain: { name: c.userDomainName } };
  throw new InvalidOptionsError(`User "${c.username}" needs a user domain (name or id)`);
}

function identityOf(credentials: Credentials): Record<string, unknown> {
  if (credentials.kind === 'password') {
    return { methods: ['password'], password: { user: { ...userRef(credentials), password: credentials.password } } };
  }
  const ac: Record<string, unknown> = { secret: credentials.secret };
  if (credentials.id) ac.id = credentials.id;
  else if (credentials.name) {
    ac.name = credentials.name;
    ac.user = userRef(credentials);
  } else throw new InvalidOptionsError('An application credential needs its id, or its name and user');
  return { methods: ['application_credential'], application_credential: ac };
}

function scopeOf(scope: AuthScope): unknown {
  switch (scope.kind) {
    case 'default':
      return undefined;
    case 'unscoped':
      return 'unscoped';
    case 'system':
      return { system: { all: true } };
    case 'domain':
      return { domain: 'id' in scope ? { id: scope.id } : { name: scope.name } };
    case 'project': {
      if ('id' in scope) return { project: { id: scope.id } };
      if (scope.domainId) return { project: { name: scope.name, domain: { id: scope.domainId } } };
      if (scope.domainName) return { project: { name: scope.name, domain: { name: scope.domainName } } };
      throw new InvalidOptionsError(`Project "${scope.name}" needs its domain (name or id)`);
    }
  }
}

/** Body of POST /v3/auth/tokens. Holds secrets: never log it. */
export function tokenRequestBody(credentials: Credentials, scope: AuthScope): string {
  if (credentials.kind === 'applicationCredential' && scope.kind !== 'default')
    throw new InvalidOptionsError('An application credential is bound to its project: it cannot request another scope');
  const s = scopeOf(scope);
  return JSON.stringify({ auth: { identity: identityOf(credentials), ...(s === undefined ? {} : { scope: s }) } });
}

/** Body of a token-for-token request (rescoping without sending the password again). */
export function rescopeRequestBody(token: string, scope: AuthScope): string {
  const s = scopeOf(scope);
  return JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: token } }, ...(s === undefined ? {} : { scope: s }) } });
}

/** "user "admin" in domain "Default"" / "application credential 1234…" — for messages. */
export function describeCredentials(c: Credentials): string {
  const user = c.userId ? `user id ${c.userId}` : `user "${c.username ?? '?'}" in domain "${c.userDomainName ?? c.userDomainId ?? '?'}"`;
  if (c.kind === 'password') return user;
  return c.id ? `application credential ${c.id}` : `application credential "${c.name ?? '?'}" of ${user}`;
}

export function describeScope(scope: AuthScope): string {
  switch (scope.kind) {
    case 'default':
      return 'its default project';
    case 'unscoped':
      return 'no project (unscoped)';
    case 'system':
      return 'the system scope';
    case 'domain':
      return 'id' in scope ? `domain ${scope.id}` : `domain "${scope.name}"`;
    case 'project':
      return 'id' in scope ? `project ${scope.id}` : `project "${scope.name}" in domain "${scope.domainName ?? scope.domainId ?? '?'}"`;
  }
}

const NamedRef = z.looseObject({ id: z.string(), name: z.string() });

export const RawToken = z.looseObject({
  expires_at: z.string(),
  issued_at: z.string().optional(),
  methods: z.array(z.string()).default([]),
  user: z.looseObject({ id: z.string(), name: z.string(), domain: NamedRef.optional() }),
  project: z.looseObject({ id: z.string(), name: z.string(), domain: NamedRef.optional() }).optional(),
  domain: NamedRef.optional(),
  system: z.record(z.string(), z.unknown()).optional(),
  roles: z.array(z.looseObject({ id: z.string(), name: z.string() })).optional(),
  catalog: z.array(RawCatalogEntry).optional(),
});
export type RawToken = z.infer<typeof RawToken>;
export const RawTokenResponse = z.looseObject({ token: RawToken });

function tokenScope(raw: RawToken): TokenScope {
  if (raw.project)
    return { kind: 'project', id: raw.project.id, name: raw.project.name, domainId: raw.project.domain?.id, domainName: raw.project.domain?.name };
  if (raw.domain) return { kind: 'domain', id: raw.domain.id, name: raw.domain.name };
  if (raw.system) return { kind: 'system' };
  return { kind: 'unscoped' };
}

/** A Keystone token. The secret is a private field: util.inspect, JSON and spreads never show it. */
export class AuthToken {
  readonly #secret: string;
  readonly info: TokenInfo;
  readonly expiresAtMs: number;
  readonly issuedAtMs: number | undefined;
  readonly catalog: ServiceCatalog;

  constructor(secret: string, raw: RawToken) {
    this.#secret = secret;
    const roles = (raw.roles ?? []).map((r) => r.name);
    this.info = {
      userId: raw.user.id,
      userName: raw.user.name,
      userDomainId: raw.user.domain?.id,
      userDomainName: raw.user.domain?.name,
      scope: tokenScope(raw),
      roles,
      methods: raw.methods,
      expiresAt: raw.expires_at,
      issuedAt: raw.issued_at,
      isAdmin: roles.includes('admin'),
    };
    this.expiresAtMs = Date.parse(raw.expires_at);
    this.issuedAtMs = raw.issued_at ? Date.parse(raw.issued_at) : undefined;
    this.catalog = new ServiceCatalog(raw.catalog ?? [], raw.project?.id);
  }

  /** The X-Auth-Token value. Only the HTTP layer should call this. */
  secret(): string {
    return this.#secret;
  }

  toJSON(): TokenInfo {
    return this.info;
  }

  [inspect.custom](): string {
    return `AuthToken(${this.info.userName}, ${this.info.scope.kind}, expires ${this.info.expiresAt})`;
  }
}
