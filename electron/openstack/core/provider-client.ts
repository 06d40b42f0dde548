// The provider client: one Keystone identity (credentials + scope), its current token and
// catalog, and the service clients made from it. Tokens are refreshed shortly before they expire
// and renewed once, for all concurrent callers together, when a service answers 401.
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock';
import type { EndpointInterface, EndpointQuery } from './service-catalog';
import {
  AuthenticationError,
  CancelledError,
  ForbiddenError,
  httpErrorFor,
  InvalidOptionsError,
  NotFoundError,
  ResponseFormatError,
  type HttpError,
} from './errors';
import { extractServerMessage } from './fault-body';
import { headerValue, HttpTransport, newRequestId, type HttpEvent, type HttpResponse } from './http';
import {
  AuthToken,
  describeCredentials,
  describeScope,
  RawTokenResponse,
  rescopeRequestBody,
  tokenRequestBody,
  type AuthScope,
  type Credentials,
  type TokenInfo,
} from './keystone';
import { defaultRetryPolicy, type RetryPolicy } from './retry';
import { ServiceClient, type TokenSource } from './service-client';
import { SERVICES, type ServiceType } from './services';
import { createDispatcher, type TlsOptions } from './tls';

export interface ProviderClientOptions {
  /** Keystone URL as the admin knows it; "/v3" is appended when missing. */
  authUrl: string;
  region?: string | undefined;
  /** Endpoint interface for every service; default public. */
  interface?: EndpointInterface | undefined;
  credentials: Credentials;
  /** Default: no scope in the request (Keystone uses the user's default project if any). */
  scope?: AuthScope | undefined;
  tls?: TlsOptions | undefined;
  /** Replaces the TLS-aware dispatcher (tests pass an undici MockAgent). */
  dispatcher?: Dispatcher | undefined;
  clock?: Clock | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** Per request, until the response headers and between body chunks. Default 60 s. */
  timeoutMs?: number | undefined;
  /** Renew the token this long before it expires (at most half its lifetime). Default 5 min. */
  refreshMarginMs?: number | undefined;
  userAgent?: string | undefined;
  /** Debug hook: method, URL, status, timing, retries. Never headers or bodies. */
  onEvent?: ((event: HttpEvent) => void) | undefined;
}

const GENERIC_401 = /requires authentication/i;

export function normalizeAuthUrl(authUrl: string): string {
  let url: URL;
  try {
    url = new URL(authUrl.trim());
  } catch {
    throw new InvalidOptionsError(`"${authUrl}" is not a URL (expected e.g. https://keystone.example.com:5000/v3)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidOptionsError(`The Keystone URL must use http or https: ${authUrl}`);
  url.search = '';
  url.hash = '';
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/v2\.0$/.test(path)) path = path.replace(/\/v2\.0$/, '/v3'); // old openrc files
  if (!/\/v3$/.test(path)) path = `${path}/v3`;
  url.pathname = path;
  return url.toString();
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class ProviderClient implements TokenSource {
  readonly authUrl: string;
  readonly region: string | undefined;
  readonly interface: EndpointInterface;
  readonly scope: AuthScope;
  readonly transport: HttpTransport;
  readonly #credentials: Credentials;
  readonly #options: ProviderClientOptions;
  readonly #parent: ProviderClient | undefined;
  readonly #ownedDispatcher: Dispatcher | undefined;
  readonly #services = new Map<string, ServiceClient>();
  #token: AuthToken | undefined;
  #inflight: Promise<AuthToken> | undefined;

  /** Use `new ProviderClient(options)`; the second parameter is for withScope. */
  constructor(options: ProviderClientOptions, parent?: ProviderClient) {
    this.#options = options;
    this.authUrl = normalizeAuthUrl(options.authUrl);
    this.region = options.region || undefined;
    this.interface = options.interface ?? 'public';
    this.scope = options.scope ?? { kind: 'default' };
    this.#credentials = options.credentials;
    this.#parent = parent;
    if (parent) {
      this.transport = parent.transport;
    } else {
      const dispatcher = options.dispatcher ?? createDispatcher(options.tls ?? {});
      if (!options.dispatcher) this.#ownedDispatcher = dispatcher;
      this.transport = new HttpTransport({
        dispatcher,
        clock: options.clock ?? systemClock,
        retry: { ...defaultRetryPolicy, ...options.retry },
        timeoutMs: options.timeoutMs ?? 60_000,
        userAgent: options.userAgent ?? 'backstack-openstack-sdk',
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
    }
    // Validates credentials and scope up front (throws InvalidOptionsError), without sending anything.
    tokenRequestBody(options.credentials, this.scope);
  }

  get clock(): Clock {
    return this.transport.clock;
  }

  /** Who we are and in which scope, once authenticated. Never the token itself. */
  get tokenInfo(): TokenInfo | undefined {
    return this.#token?.info;
  }

  /** Authenticates now if no valid token is held; returns what the token says. */
  async authenticate(signal?: AbortSignal): Promise<TokenInfo> {
    return (await this.token(signal)).info;
  }

  /** A token valid for at least the refresh margin. */
  token(signal?: AbortSignal): Promise<AuthToken> {
    const current = this.#token;
    if (current && this.#isFresh(current)) return Promise.resolve(current);
    return this.reauthenticate(current, signal);
  }

  /**
   * Replaces a stale token. Single-flight: callers holding the same stale token share one Keystone
   * request; a caller whose token was already replaced gets the new one at once.
   */
  reauthenticate(stale: AuthToken | undefined, signal?: AbortSignal): Promise<AuthToken> {
    const current = this.#token;
    if (current && current !== stale && this.#isFresh(current)) return Promise.resolve(current);
    this.#inflight ??= this.#issue()
      .then((token) => {
        this.#token = token;
        return token;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    // The shared request is not cancelled by one caller's signal; that caller just stops waiting.
    return abortable(this.#inflight, signal);
  }

  /**
   * The same identity in another scope (e.g. each project an unscoped user can reach). Shares the
   * connection pool; gets its token by rescoping ours, so the password is not sent again.
   */
  withScope(scope: AuthScope): ProviderClient {
    if (this.#credentials.kind === 'applicationCredential')
      throw new InvalidOptionsError('An application credential is bound to its project: it cannot be used in another scope');
    return new ProviderClient({ ...this.#options, scope }, this.#parent ?? this);
  }

  /** The client of a service, from the catalog (identity: the auth URL itself). */
  async service(type: ServiceType, query: EndpointQuery = {}, signal?: AbortSignal): Promise<ServiceClient> {
    const q: EndpointQuery = { region: query.region ?? this.region, interface: query.interface ?? this.interface, serviceName: query.serviceName };
    const key = `${type}|${q.region ?? ''}|${q.interface}|${q.serviceName ?? ''}`;
    const cached = this.#services.get(key);
    if (cached) return cached;
    // Identity uses the URL the admin gave: proven reachable, and unscoped tokens have no catalog.
    let client: ServiceClient;
    if (type === 'identity') client = new ServiceClient(this, type, this.authUrl);
    else {
      const catalog = (await this.token(signal)).catalog;
      const ep = catalog.find(type, q);
      const iface = q.interface ?? 'public';
      const alternatives = catalog.interfacesOf(type, ep.region).filter((i) => i !== iface);
      client = new ServiceClient(this, type, ep.url, { serviceName: ep.serviceName, interface: iface, alternatives });
    }
    this.#services.set(key, client);
    return client;
  }

  identity(signal?: AbortSignal): Promise<ServiceClient> {
    return this.service('identity', {}, signal);
  }
  compute(signal?: AbortSignal): Promise<ServiceClient> {
    return this.service('compute', {}, signal);
  }
  blockStorage(signal?: AbortSignal): Promise<ServiceClient> {
    return this.service('block-storage', {}, signal);
  }
  image(signal?: AbortSignal): Promise<ServiceClient> {
    return this.service('image', {}, signal);
  }
  network(signal?: AbortSignal): Promise<ServiceClient> {
    return this.service('network', {}, signal);
  }

  /** Closes the connection pool this client created (not a dispatcher passed in, not a parent's). */
  async close(): Promise<void> {
    if (this.#ownedDispatcher) await this.#ownedDispatcher.close();
  }

  #isFresh(token: AuthToken): boolean {
    const lifetime = token.issuedAtMs === undefined ? Infinity : token.expiresAtMs - token.issuedAtMs;
    const margin = Math.min(this.#options.refreshMarginMs ?? 5 * 60_000, lifetime / 2);
    return token.expiresAtMs - this.clock.now() > margin;
  }

  async #issue(): Promise<AuthToken> {
    const parent = this.#parent;
    if (!parent) return this.#requestToken(tokenRequestBody(this.#credentials, this.scope), 'credentials');
    let parentToken = await parent.token();
    try {
      return await this.#requestToken(rescopeRequestBody(parentToken.secret(), this.scope), 'rescope');
    } catch (e) {
      if (e instanceof AuthenticationError) {
        // The parent token may have been revoked: renew it once and rescope again.
        const renewed = await parent.reauthenticate(parentToken);
        if (renewed !== parentToken) {
          parentToken = renewed;
          return this.#requestToken(rescopeRequestBody(parentToken.secret(), this.scope), 'rescope');
        }
      }
      // Some clouds forbid rescoping; the credentials still work.
      if (e instanceof ForbiddenError) return this.#requestToken(tokenRequestBody(this.#credentials, this.scope), 'credentials');
      throw e;
    }
  }

  async #requestToken(body: string, via: 'credentials' | 'rescope'): Promise<AuthToken> {
    const url = `${this.authUrl}/auth/tokens`;
    const requestId = newRequestId();
    const res = await this.transport.send({
      method: 'POST',
      url,
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-openstack-request-id': requestId },
      body,
      idempotent: true, // a token request changes nothing: safe to repeat on 503
      service: SERVICES.identity.displayName,
    });
    if (res.status === 200 || res.status === 201) {
      const secret = headerValue(res.headers, 'x-subject-token');
      const fail = (detail: string, cause?: unknown): ResponseFormatError =>
        new ResponseFormatError({ service: SERVICES.identity.displayName, method: 'POST', url, detail, requestId: res.requestId ?? requestId, cause });
      if (!secret) throw fail('no X-Subject-Token header (is this really Keystone v3?)');
      let json: unknown;
      try {
        json = JSON.parse(res.text);
      } catch (e) {
        throw fail('the token body is not JSON', e);
      }
      const parsed = RawTokenResponse.safeParse(json);
      if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error);
      return new AuthToken(secret, parsed.data.token);
    }
    throw this.#authError(res, requestId, via);
  }

  #authError(res: HttpResponse, requestId: string, via: 'credentials' | 'rescope'): HttpError {
    const serverMessage = extractServerMessage(res.text);
    const init = {
      status: res.status,
      method: 'POST',
      url: res.url,
      service: SERVICES.identity.displayName,
      requestId: res.requestId ?? requestId,
      globalRequestId: requestId,
      ...(serverMessage ? { serverMessage } : {}),
    };
    const idText = ` (HTTP ${res.status}, request id ${init.requestId})`;
    const said = serverMessage && !GENERIC_401.test(serverMessage) ? `: Keystone says "${serverMessage}"` : '';
    const who = describeCredentials(this.#credentials);
    const scoped = this.scope.kind === 'default' || this.scope.kind === 'unscoped' ? '' : ` for ${describeScope(this.scope)}`;
    if (res.status === 401 && via === 'rescope')
      return new AuthenticationError({
        ...init,
        message: `Keystone refused to scope the token of ${who} to ${describeScope(this.scope)}${said}${idText}. The user probably has no role there.`,
      });
    if (res.status === 401)
      return new AuthenticationError({
        ...init,
        message:
          `Keystone rejected the credentials for ${who}${scoped}${said}${idText}. ` +
          `Check the user name, domain and ${this.#credentials.kind === 'password' ? 'password' : 'secret'}` +
          (scoped ? `, and that the user has a role on ${describeScope(this.scope)}.` : '.'),
      });
    if (res.status === 404)
      return new NotFoundError({
        ...init,
        message: `There is no Keystone v3 API at ${this.authUrl}${idText}. Check the Keystone URL (often https://host:5000/v3).`,
      });
    return httpErrorFor(init);
  }
}
