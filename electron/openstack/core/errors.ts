// Typed errors of the OpenStack SDK. Every error carries a stable `code` the boundary maps to the
// app's closed error set, a `retryable` hint, and a message an administrator can act on.
import { redactSecrets, redactUrl } from './redact';

export type OpenStackErrorCode =
  | 'AUTH_FAILED' // Keystone rejected the credentials
  | 'UNAUTHORIZED' // a service rejected the token even after re-authentication
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'UNEXPECTED_STATUS'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'TLS_UNTRUSTED'
  | 'TLS_CERT_CHANGED'
  | 'ENDPOINT_NOT_FOUND'
  | 'FEATURE_UNSUPPORTED'
  | 'BAD_RESPONSE'
  | 'WAIT_TIMEOUT'
  | 'WAIT_FAILED'
  | 'CANCELLED'
  | 'INVALID_OPTIONS';

export type Fault = 'client' | 'server';

export class OpenStackError extends Error {
  readonly code: OpenStackErrorCode;
  readonly retryable: boolean;
  /** The id the service logged this request under (x-openstack-request-id), or ours if none came back. */
  readonly requestId: string | undefined;

  constructor(code: OpenStackErrorCode, message: string, opts: { retryable?: boolean; requestId?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.requestId = opts.requestId;
  }
}

export interface HttpErrorInit {
  status: number;
  method: string;
  url: string;
  /** Display name of the service, e.g. "Nova (compute)". */
  service: string;
  requestId?: string;
  globalRequestId?: string;
  /** The message the service put in its error body, if any. */
  serverMessage?: string;
  message?: string;
  cause?: unknown;
}

export class HttpError extends OpenStackError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly service: string;
  readonly globalRequestId: string | undefined;
  readonly serverMessage: string | undefined;
  readonly fault: Fault;

  constructor(code: OpenStackErrorCode, init: HttpErrorInit, retryable = false) {
    const url = redactUrl(init.url);
    const serverMessage = init.serverMessage === undefined ? undefined : redactSecrets(init.serverMessage);
    super(code, init.message ?? defaultHttpMessage({ ...init, url, serverMessage }), {
      retryable,
      requestId: init.requestId,
      cause: init.cause,
    });
    this.status = init.status;
    this.method = init.method;
    this.url = url;
    this.service = init.service;
    this.globalRequestId = init.globalRequestId;
    this.serverMessage = serverMessage;
    this.fault = init.status >= 500 ? 'server' : 'client';
  }
}

function quoted(serverMessage: string | undefined): string {
  return serverMessage ? `: "${serverMessage}"` : '';
}

function requestIdSuffix(init: HttpErrorInit): string {
  return init.requestId ? ` (request id ${init.requestId})` : '';
}

function defaultHttpMessage(init: HttpErrorInit): string {
  return `${init.service} answered ${init.method} ${init.url} with HTTP ${init.status}${quoted(init.serverMessage)}${requestIdSuffix(init)}`;
}

export class BadRequestError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('BAD_REQUEST', {
      ...init,
      message:
        init.message ??
        `${init.service} refused ${init.method} ${redactUrl(init.url)} as invalid (HTTP 400)${quoted(init.serverMessage)}${requestIdSuffix(init)}`,
    });
  }
}

/** A service rejected our token even after one re-authentication. */
export class UnauthorizedError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('UNAUTHORIZED', {
      ...init,
      message:
        init.message ??
        `${init.service} rejected the Keystone token for ${init.method} ${redactUrl(init.url)} even after signing in again (HTTP 401)${quoted(init.serverMessage)}${requestIdSuffix(init)}. The service may be configured against another Keystone or have wrong service credentials.`,
    });
  }
}

/** Keystone refused to issue a token for the given credentials and scope. */
export class AuthenticationError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('AUTH_FAILED', init);
  }
}

export class ForbiddenError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('FORBIDDEN', {
      ...init,
      message:
        init.message ??
        `${init.service} refused ${init.method} ${redactUrl(init.url)} (HTTP 403)${quoted(init.serverMessage)}${requestIdSuffix(init)}. The user probably lacks a role this operation requires (often "admin" or "reader" on the project).`,
    });
  }
}

export class NotFoundError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('NOT_FOUND', {
      ...init,
      message:
        init.message ??
        `${init.service} has no ${redactUrl(init.url)} (HTTP 404 on ${init.method})${quoted(init.serverMessage)}${requestIdSuffix(init)}`,
    });
  }
}

export class ConflictError extends HttpError {
  constructor(init: HttpErrorInit) {
    super('CONFLICT', {
      ...init,
      message:
        init.message ??
        `${init.service} refused ${init.method} ${redactUrl(init.url)} because of the resource's current state (HTTP 409)${quoted(init.serverMessage)}${requestIdSuffix(init)}`,
    });
  }
}

export class RateLimitedError extends HttpError {
  readonly retryAfterMs: number | undefined;
  constructor(init: HttpErrorInit & { retryAfterMs?: number }) {
    const after = init.retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(init.retryAfterMs / 1000)} s.`;
    super(
      'RATE_LIMITED',
      {
        ...init,
        message:
          init.message ??
          `${init.service} is rate-limiting requests (HTTP 429 on ${init.method} ${redactUrl(init.url)})${requestIdSuffix(init)}.${after}`,
      },
      true,
    );
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class ServerError extends HttpError {
  constructor(init: HttpErrorInit, code: OpenStackErrorCode = 'SERVER_ERROR', retryable = false) {
    super(
      code,
      {
        ...init,
        message:
          init.message ??
          `${init.service} failed on ${init.method} ${redactUrl(init.url)} with HTTP ${init.status}${quoted(init.serverMessage)}${requestIdSuffix(init)}. This is a fault on the OpenStack side; the request id finds it in the service's log.`,
      },
      retryable,
    );
  }
}

export class ServiceUnavailableError extends ServerError {
  constructor(init: HttpErrorInit) {
    super(
      {
        ...init,
        message:
          init.message ??
          `${init.service} is unavailable (HTTP ${init.status} on ${init.method} ${redactUrl(init.url)})${quoted(init.serverMessage)}${requestIdSuffix(init)}. Try again later.`,
      },
      'SERVICE_UNAVAILABLE',
      true,
    );
  }
}

/** Builds the right HttpError subclass for a status. */
export function httpErrorFor(init: HttpErrorInit & { retryAfterMs?: number }): HttpError {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new UnauthorizedError(init);
    case 403:
      return new ForbiddenError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 429:
      return new RateLimitedError(init);
    case 502:
    case 503:
    case 504:
      return new ServiceUnavailableError(init);
    default:
      if (init.status >= 500) return new ServerError(init);
      return new HttpError('UNEXPECTED_STATUS', {
        ...init,
        message:
          init.message ??
          `${init.service} answered ${init.method} ${redactUrl(init.url)} with unexpected HTTP ${init.status}${quoted(init.serverMessage)}${requestIdSuffix(init)}`,
      });
  }
}

/** The host could not be reached at all (refused, DNS, routing, connect timeout, reset). */
export class UnreachableError extends OpenStackError {
  readonly url: string;
  readonly method: string;
  readonly reason: string;
  constructor(init: { url: string; method: string; reason: string; requestId?: string; cause?: unknown; message?: string }) {
    const url = redactUrl(init.url);
    super(
      'UNREACHABLE',
      init.message ?? `Cannot reach ${url} (${init.reason}). Check the URL and that this machine can reach the host (network, proxy, firewall).`,
      { retryable: true, requestId: init.requestId, cause: init.cause },
    );
    this.url = url;
    this.method = init.method;
    this.reason = init.reason;
  }
}

/** Where a service client's endpoint came from in the service catalog, for messages. */
export interface CatalogOrigin {
  /** the service's name in the catalog ("nova"), if it has one */
  serviceName: string | undefined;
  interface: string;
  /** the other interfaces the catalog offers for this service */
  alternatives: readonly string[];
}

const orList = (xs: readonly string[]): string => (xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/**
 * A service's endpoint from the catalog cannot be reached although Keystone answered (it gave the
 * token and the catalog): usually an interface this workstation has no route to (an internal
 * endpoint from outside, a public one from inside). Names the service, its URL and interface, and
 * the interfaces the catalog offers instead.
 */
export class EndpointUnreachableError extends UnreachableError {
  readonly endpoint: string;
  readonly origin: CatalogOrigin;
  constructor(init: { cause: UnreachableError; serviceType: string; endpoint: string; origin: CatalogOrigin }) {
    const o = init.origin;
    const endpoint = redactUrl(init.endpoint);
    const service = `The ${init.serviceType} service${o.serviceName ? ` (${o.serviceName})` : ''}`;
    const instead = o.alternatives.length
      ? `choose the ${orList(o.alternatives)} interface in the cloud's settings (endpoint interface), or check that this workstation can reach that address.`
      : 'the service catalog offers no other interface for it, so check that this workstation can reach that address (network, VPN, proxy, firewall).';
    super({
      url: init.cause.url,
      method: init.cause.method,
      reason: init.cause.reason,
      ...(init.cause.requestId ? { requestId: init.cause.requestId } : {}),
      cause: init.cause,
      message: `${service} at ${endpoint} (${o.interface} interface) cannot be reached (${init.cause.reason}). Keystone answered, so the cloud is up: ${instead}`,
    });
    this.endpoint = endpoint;
    this.origin = o;
  }
}

export class TimeoutError extends OpenStackError {
  readonly url: string;
  readonly method: string;
  constructor(init: { url: string; method: string; timeoutMs: number; service?: string; requestId?: string; cause?: unknown }) {
    const url = redactUrl(init.url);
    super(
      'TIMEOUT',
      `${init.service ?? 'The server'} did not answer ${init.method} ${url} within ${Math.round(init.timeoutMs / 1000)} s`,
      { retryable: true, requestId: init.requestId, cause: init.cause },
    );
    this.url = url;
    this.method = init.method;
  }
}

/** What we saw of a server certificate: enough for a person to decide whether to trust it. */
export interface CertificateInfo {
  host: string;
  port: number;
  subject: string;
  issuer: string;
  /** Upper-case hex, colon separated, as OpenSSL prints it. */
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  subjectAltName: string | undefined;
  selfSigned: boolean;
}

export class TlsUntrustedError extends OpenStackError {
  readonly host: string;
  readonly port: number;
  /** OpenSSL's verdict, e.g. DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID. */
  readonly reason: string;
  readonly certificate: CertificateInfo | undefined;
  constructor(init: { host: string; port: number; reason: string; certificate?: CertificateInfo }) {
    const cert = init.certificate;
    const who = cert ? ` (subject "${oneLine(cert.subject)}", issuer "${oneLine(cert.issuer)}", SHA-256 ${cert.fingerprint256})` : '';
    super(
      'TLS_UNTRUSTED',
      `The TLS certificate of ${init.host}:${init.port} is not trusted: ${describeTlsReason(init.reason)}${who}. ` +
        'Add the CA that signed it, or trust this certificate explicitly after checking its fingerprint.',
    );
    this.host = init.host;
    this.port = init.port;
    this.reason = init.reason;
    this.certificate = cert;
  }
}

export class TlsCertificateChangedError extends OpenStackError {
  readonly host: string;
  readonly port: number;
  readonly pinnedFingerprint256: string;
  readonly certificate: CertificateInfo;
  constructor(init: { host: string; port: number; pinnedFingerprint256: string; certificate: CertificateInfo }) {
    super(
      'TLS_CERT_CHANGED',
      `The TLS certificate of ${init.host}:${init.port} changed since it was trusted: pinned SHA-256 ${init.pinnedFingerprint256}, ` +
        `presented ${init.certificate.fingerprint256} (subject "${oneLine(init.certificate.subject)}"). ` +
        'Refusing to connect: this is expected after a certificate renewal, but may also be an interception. Trust the new certificate only if its fingerprint is confirmed.',
    );
    this.host = init.host;
    this.port = init.port;
    this.pinnedFingerprint256 = init.pinnedFingerprint256;
    this.certificate = init.certificate;
  }
}

export class EndpointNotFoundError extends OpenStackError {
  constructor(message: string) {
    super('ENDPOINT_NOT_FOUND', message);
  }
}

export class FeatureUnsupportedError extends OpenStackError {
  constructor(message: string) {
    super('FEATURE_UNSUPPORTED', message);
  }
}

export class ResponseFormatError extends OpenStackError {
  readonly url: string;
  constructor(init: { service: string; method: string; url: string; detail: string; requestId?: string; cause?: unknown }) {
    const url = redactUrl(init.url);
    super('BAD_RESPONSE', `${init.service} sent an answer to ${init.method} ${url} that Backstack cannot read: ${init.detail}`, {
      requestId: init.requestId,
      cause: init.cause,
    });
    this.url = url;
  }
}

export class WaitTimeoutError extends OpenStackError {
  readonly lastValue: unknown;
  constructor(what: string, timeoutMs: number, lastState: string | undefined, lastValue: unknown) {
    super(
      'WAIT_TIMEOUT',
      `Gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s${lastState ? ` (last state: ${lastState})` : ''}`,
      { retryable: true },
    );
    this.lastValue = lastValue;
  }
}

export class WaitFailedError extends OpenStackError {
  readonly lastValue: unknown;
  constructor(what: string, reason: string, lastValue: unknown) {
    super('WAIT_FAILED', `${what} failed: ${reason}`);
    this.lastValue = lastValue;
  }
}

/** Cancellation through an AbortSignal. Never a failure: jobs map it to the state "cancelled". */
export class CancelledError extends OpenStackError {
  constructor(cause?: unknown) {
    super('CANCELLED', 'The operation was cancelled', { cause });
  }
}

export class InvalidOptionsError extends OpenStackError {
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
  }
}

export function isOpenStackError(e: unknown): e is OpenStackError {
  return e instanceof OpenStackError;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(signal.reason);
}

function oneLine(s: string): string {
  return s.replace(/\n/g, ', ');
}

const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it chains to a self-signed CA that is not trusted here',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is unknown here (missing CA or intermediate certificate)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is unknown here (missing CA or intermediate certificate)',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is unknown here (missing intermediate certificate)',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another host name',
  CERT_REVOKED: 'it was revoked',
};

function describeTlsReason(reason: string): string {
  return TLS_REASONS[reason] ?? reason;
}
