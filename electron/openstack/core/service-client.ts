// A client for one service endpoint (type + region + interface): builds URLs, sends JSON with
// the token, a request id and the negotiated microversion, checks the expected status codes,
// re-authenticates once on 401, and turns failures into the HttpError family.
import type { z } from 'zod';
import type { Readable } from 'node:stream';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { CancelledError, EndpointUnreachableError, httpErrorFor, ResponseFormatError, UnreachableError, type CatalogOrigin, type HttpError } from './errors';
import { extractServerMessage } from './fault-body';
import { headerValue, newRequestId, responseRequestId, type HttpMethod, type HttpResponse, type HttpTransport } from './http';
import type { AuthToken } from './keystone';
import { isSupported, microversionHeaders, negotiate, RawVersionDocument, versionInfoFrom, type Feature, type VersionInfo } from './microversions';
import { parseRetryAfter } from './retry';
import { resourceBaseFor, SERVICES, unversionedRootFor, versionRootFor, type ServiceDescriptor, type ServiceType } from './services';

/** What a service client needs from its provider: a transport and tokens. */
export interface TokenSource {
  readonly transport: HttpTransport;
  token(signal?: AbortSignal): Promise<AuthToken>;
  /** Single-flight: concurrent callers holding the same stale token share one new token. */
  reauthenticate(stale: AuthToken, signal?: AbortSignal): Promise<AuthToken>;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions<T = unknown> {
  query?: Query;
  /** JSON-serialised; strings are sent as they are. */
  body?: unknown;
  /** Expected status codes; anything else is an error. Defaults per method. */
  ok?: readonly number[];
  /** Features wanted if the server has them (see FEATURES); picks the microversion. */
  features?: readonly Feature[];
  /** Features without which the call makes no sense: FeatureUnsupportedError if missing. */
  requireFeatures?: readonly Feature[];
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  idempotent?: boolean;
  timeoutMs?: number;
  /** Validates (and types) the response body. */
  schema?: z.ZodType<T>;
}

/** An answer whose body is read as a stream (Dispatcher.ResponseData's body). */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface ServiceResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  url: string;
  requestId: string | undefined;
  microversion: string | undefined;
}

const DEFAULT_OK: Record<HttpMethod, readonly number[]> = {
  GET: [200],
  HEAD: [200, 204],
  POST: [200, 201, 202, 204],
  PUT: [200, 201, 202, 204],
  PATCH: [200, 202, 204],
  DELETE: [200, 202, 204],
};

export class ServiceClient {
  readonly descriptor: ServiceDescriptor;
  /** The endpoint URL as the catalog (or the auth URL) gives it. */
  readonly endpoint: string;
  /** Where relative resource paths resolve, ending in "/". */
  readonly resourceBase: string;
  #versionInfo: Promise<VersionInfo | undefined> | undefined;

  constructor(
    private readonly source: TokenSource,
    readonly type: ServiceType,
    endpoint: string,
    /** where the catalog gave this endpoint (none for Keystone, reached by the URL the admin gave) */
    private readonly origin?: CatalogOrigin,
  ) {
    this.descriptor = SERVICES[type];
    this.endpoint = endpoint;
    this.resourceBase = resourceBaseFor(this.descriptor, endpoint);
  }

  get displayName(): string {
    return this.descriptor.displayName;
  }

  /** Resolves a resource path ("servers/detail") or an absolute URL, with query parameters. */
  url(path: string, query?: Query): string {
    const u = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\/+/, ''), this.resourceBase);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      u.searchParams.delete(k);
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
      else u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  /** The service's version document, fetched once (retried after a failure). */
  versionInfo(signal?: AbortSignal): Promise<VersionInfo | undefined> {
    this.#versionInfo ??= this.fetchVersionInfo(signal).catch((e: unknown) => {
      this.#versionInfo = undefined;
      throw e;
    });
    return this.#versionInfo;
  }

  async supports(feature: Feature, signal?: AbortSignal): Promise<boolean> {
    return isSupported(feature, await this.versionInfo(signal));
  }

  private async fetchVersionInfo(signal?: AbortSignal): Promise<VersionInfo | undefined> {
    const wanted = /\/(v\d+(?:\.\d+)?)\/$/.exec(new URL(versionRootFor(this.resourceBase)).pathname)?.[1];
    const roots = [...new Set([versionRootFor(this.resourceBase), unversionedRootFor(this.resourceBase)])];
    let lastError: unknown;
    for (const root of roots) {
      try {
        const res = await this.request('GET', root, { ok: [200, 300], schema: RawVersionDocument, ...(signal ? { signal } : {}) });
        return versionInfoFrom(res.body, wanted);
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  async request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions<T> = {}): Promise<ServiceResponse<T>> {
    const url = this.url(path, opts.query);
    const wanted = opts.features ?? [];
    const required = opts.requireFeatures ?? [];
    let microversion: string | undefined;
    if (this.descriptor.microversion && (wanted.length > 0 || required.length > 0)) {
      microversion = negotiate(this.type, await this.versionInfo(opts.signal), wanted, required).version;
    } else if (required.length > 0) {
      negotiate(this.type, undefined, wanted, required); // throws with a clear message
    }
    const requestId = newRequestId();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-openstack-request-id': requestId,
      ...microversionHeaders(this.type, microversion),
      ...opts.headers,
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    let token = await this.source.token(opts.signal);
    let res: HttpResponse;
    for (let reauthed = false; ; reauthed = true) {
      res = await this.source.transport
        .send({
          method,
          url,
          headers: { ...headers, 'x-auth-token': token.secret() },
          ...(body === undefined ? {} : { body }),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.idempotent === undefined ? {} : { idempotent: opts.idempotent }),
          ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          service: this.displayName,
        })
        .catch((e: unknown) => Promise.reject(this.unreachable(e)));
      if (res.status !== 401 || reauthed) break;
      // Expired or revoked token: one shared re-authentication, then one retry.
      this.source.transport.emit({ kind: 'reauth', service: this.displayName, reason: `HTTP 401 on ${method}` });
      token = await this.source.reauthenticate(token, opts.signal);
    }
    const ok = opts.ok ?? DEFAULT_OK[method];
    if (!ok.includes(res.status)) throw this.errorFor(res, requestId);
    return {
      status: res.status,
      headers: res.headers,
      body: this.parseBody(res, requestId, opts.schema),
      url,
      requestId: res.requestId ?? requestId,
      microversion,
    };
  }

  get<T = unknown>(path: string, opts?: RequestOptions<T>): Promise<ServiceResponse<T>> {
    return this.request<T>('GET', path, opts);
  }
  post<T = unknown>(path: string, body: unknown, opts?: RequestOptions<T>): Promise<ServiceResponse<T>> {
    return this.request<T>('POST', path, { ...opts, body });
  }
  put<T = unknown>(path: string, body: unknown, opts?: RequestOptions<T>): Promise<ServiceResponse<T>> {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  delete<T = unknown>(path: string, opts?: RequestOptions<T>): Promise<ServiceResponse<T>> {
    return this.request<T>('DELETE', path, opts);
  }

  /**
   * A request whose body or answer is a byte stream (an image's data): never retried (a stream
   * cannot be replayed), one re-authentication on 401 when there is no body to resend. The
   * answer's body must be read or destroyed by the caller.
   */
  async stream(method: 'GET' | 'PUT', path: string, opts: { body?: Readable; headers?: Record<string, string>; ok?: readonly number[]; signal?: AbortSignal | undefined } = {}): Promise<StreamedResponse> {
    const url = this.url(path);
    const requestId = newRequestId();
    const { dispatcher, userAgent } = this.source.transport.options;
    let token = await this.source.token(opts.signal);
    for (let reauthed = false; ; reauthed = true) {
      const headers = { 'user-agent': userAgent, 'x-openstack-request-id': requestId, 'x-auth-token': token.secret(), ...opts.headers };
      let res: Dispatcher.ResponseData;
      try {
        res = await undiciRequest(url, { method, headers, body: opts.body ?? null, dispatcher, signal: opts.signal ?? null });
      } catch (e) {
        if (opts.signal?.aborted) throw new CancelledError(opts.signal.reason);
        throw this.unreachable(new UnreachableError({ url, method, reason: e instanceof Error ? e.message : String(e), cause: e }));
      }
      const resHeaders = res.headers as Record<string, string | string[] | undefined>;
      if (res.statusCode === 401 && !reauthed && !opts.body) {
        await res.body.dump();
        token = await this.source.reauthenticate(token, opts.signal);
        continue;
      }
      if (!(opts.ok ?? DEFAULT_OK[method]).includes(res.statusCode)) {
        const text = await res.body.text().catch(() => '');
        throw this.errorFor({ status: res.statusCode, headers: resHeaders, text, method, url, requestId: responseRequestId(resHeaders), attempts: 1 }, requestId);
      }
      return { status: res.statusCode, headers: resHeaders, body: res.body };
    }
  }

  /** Keystone gave us this endpoint, so an endpoint out of reach is named with its service and interface. */
  private unreachable(e: unknown): unknown {
    if (!(e instanceof UnreachableError) || !this.origin) return e;
    return new EndpointUnreachableError({ cause: e, serviceType: this.type, endpoint: this.endpoint, origin: this.origin });
  }

  /** The HttpError for a response outside the expected codes. */
  errorFor(res: HttpResponse, ourRequestId: string): HttpError {
    const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'), this.source.transport.clock.now());
    const serverMessage = extractServerMessage(res.text);
    return httpErrorFor({
      status: res.status,
      method: res.method,
      url: res.url,
      service: this.displayName,
      requestId: res.requestId ?? ourRequestId,
      globalRequestId: ourRequestId,
      ...(serverMessage ? { serverMessage } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  private parseBody<T>(res: HttpResponse, requestId: string, schema: z.ZodType<T> | undefined): T {
    const fail = (detail: string, cause?: unknown): ResponseFormatError =>
      new ResponseFormatError({ service: this.displayName, method: res.method, url: res.url, detail, requestId: res.requestId ?? requestId, cause });
    let json: unknown = undefined;
    if (res.text.trim() !== '') {
      try {
        json = JSON.parse(res.text);
      } catch (e) {
        if (schema) throw fail(`not JSON (${res.text.slice(0, 80).replace(/\s+/g, ' ')}…)`, e);
        return res.text as T;
      }
    }
    if (!schema) return json as T;
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
      .join('; ');
    throw fail(issues, parsed.error);
  }
}
