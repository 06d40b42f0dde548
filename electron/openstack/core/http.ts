// One HTTP exchange with retries, over undici. Knows nothing of tokens or services; it turns
// network failures into typed errors and reports progress through an event hook that never sees
// headers or bodies (so no secret can leak into a debug log).
import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { type Clock } from './clock';
import { CancelledError, isOpenStackError, TimeoutError, UnreachableError } from './errors';
import { redactUrl } from './redact';
import { backoffDelay, isIdempotentMethod, isRetryableNetworkCode, parseRetryAfter, retryDelayForStatus, type RetryPolicy } from './retry';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Overrides the method's idempotency (e.g. a token request is safe to repeat). */
  idempotent?: boolean;
  timeoutMs?: number;
  /** Display name for messages and events. */
  service: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  method: HttpMethod;
  url: string;
  /** x-openstack-request-id (or Nova's x-compute-request-id) of the last attempt. */
  requestId: string | undefined;
  attempts: number;
}

export type HttpEvent =
  | { kind: 'response'; service: string; method: string; url: string; status: number; durationMs: number; attempt: number; requestId?: string }
  | { kind: 'retry'; service: string; method: string; url: string; reason: string; delayMs: number; attempt: number }
  | { kind: 'network-error'; service: string; method: string; url: string; code: string; attempt: number }
  | { kind: 'reauth'; service: string; reason: string };

export interface TransportOptions {
  dispatcher: Dispatcher;
  clock: Clock;
  retry: RetryPolicy;
  timeoutMs: number;
  userAgent: string;
  onEvent?: (event: HttpEvent) => void;
}

/** A global request id in the oslo format, so services log it next to their own. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function responseRequestId(headers: Record<string, string | string[] | undefined>): string | undefined {
  return headerValue(headers, 'x-openstack-request-id') ?? headerValue(headers, 'x-compute-request-id');
}

export class HttpTransport {
  constructor(readonly options: TransportOptions) {}

  get clock(): Clock {
    return this.options.clock;
  }

  emit(event: HttpEvent): void {
    try {
      this.options.onEvent?.({ ...event, ...('url' in event ? { url: redactUrl(event.url) } : {}) } as HttpEvent);
    } catch {
      // a faulty listener must not break a request
    }
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const { retry, clock } = this.options;
    const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw new CancelledError(req.signal.reason);
      const started = clock.now();
      let res: HttpResponse;
      try {
        res = await this.once(req, attempt);
      } catch (e) {
        const code = networkCode(e);
        this.emit({ kind: 'network-error', service: req.service, method: req.method, url: req.url, code: code ?? 'unknown', attempt });
        if (idempotent && isRetryableNetworkCode(code) && attempt < retry.maxAttempts) {
          const delayMs = backoffDelay(retry, attempt);
          this.emit({ kind: 'retry', service: req.service, method: req.method, url: req.url, reason: code ?? 'network', delayMs, attempt });
          await clock.sleep(delayMs, req.signal);
          continue;
        }
        throw this.classify(e, req);
      }
      this.emit({
        kind: 'response',
        service: req.service,
        method: req.method,
        url: req.url,
        status: res.status,
        durationMs: clock.now() - started,
        attempt,
        ...(res.requestId ? { requestId: res.requestId } : {}),
      });
      const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'), clock.now());
      const delayMs = retryDelayForStatus(retry, { status: res.status, retryAfterMs, idempotent, attempt });
      if (delayMs === undefined) return res;
      this.emit({ kind: 'retry', service: req.service, method: req.method, url: req.url, reason: `HTTP ${res.status}`, delayMs, attempt });
      await clock.sleep(delayMs, req.signal);
    }
  }

  private async once(req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const res = await request(req.url, {
      method: req.method,
      headers: { 'user-agent': this.options.userAgent, ...req.headers },
      body: req.body ?? null,
      dispatcher: this.options.dispatcher,
      signal: req.signal ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    const headers = res.headers as Record<string, string | string[] | undefined>;
    return { status: res.statusCode, headers, text, method: req.method, url: req.url, requestId: responseRequestId(headers), attempts: attempt };
  }

  private classify(e: unknown, req: HttpRequest): Error {
    if (isOpenStackError(e)) return e; // e.g. TLS verdicts from our connector
    if (req.signal?.aborted || (e instanceof Error && e.name === 'AbortError')) return new CancelledError(req.signal?.reason ?? e);
    const code = networkCode(e);
    const requestId = req.headers['x-openstack-request-id'];
    const common = { url: req.url, method: req.method, cause: e, ...(requestId ? { requestId } : {}) };
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
      return new TimeoutError({ ...common, timeoutMs: req.timeoutMs ?? this.options.timeoutMs, service: req.service });
    return new UnreachableError({ ...common, reason: describeNetworkCode(code, req.url, e) });
  }
}

function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkCode(code: string | undefined, url: string, e: unknown): string {
  let hostPort = url;
  let host = url;
  try {
    const u = new URL(url);
    host = u.hostname;
    hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
  } catch {
    // keep the raw url
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: nothing listens on ${hostPort}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name "${host}" does not resolve`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${host}`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${hostPort} timed out`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return `the connection to ${hostPort} was closed unexpectedly`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS handshake with ${hostPort} failed; is it an http port addressed as https (or the reverse)?`;
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}
