import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { CancelledError, RateLimitedError, ServiceUnavailableError, TimeoutError, UnreachableError } from './errors';
import { HttpTransport, type HttpEvent, type HttpRequest } from './http';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, retryDelayForStatus } from './retry';

const ORIGIN = 'http://api.test:8774';
let agent: MockAgent;
let clock: ManualClock;
let events: HttpEvent[];
let transport: HttpTransport;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  clock = new ManualClock();
  events = [];
  transport = new HttpTransport({
    dispatcher: agent,
    clock,
    retry: { ...defaultRetryPolicy, random: () => 0.5 },
    timeoutMs: 5_000,
    userAgent: 'test',
    onEvent: (e) => events.push(e),
  });
});
afterEach(() => agent.close());

const req = (method: HttpRequest['method'], extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method,
  url: `${ORIGIN}/v2.1/servers`,
  headers: { 'x-openstack-request-id': 'req-00000000-0000-0000-0000-000000000001', 'x-auth-token': 'gAAAAAsecret-token-value-000000000' },
  service: 'Nova (compute)',
  ...extra,
});
const pool = () => agent.get(ORIGIN);

describe('retry rules', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with half jitter, capped', () => {
    const p = { ...defaultRetryPolicy, random: () => 0 };
    expect([1, 2, 3, 4, 10].map((a) => backoffDelay(p, a))).toEqual([250, 500, 1000, 2000, 7500]);
    expect(backoffDelay({ ...p, random: () => 0.999999 }, 1)).toBe(500);
  });

  it('decides per status, method and attempt', () => {
    const p = { ...defaultRetryPolicy, random: () => 0.5 };
    const d = (status: number, idempotent: boolean, retryAfterMs?: number, attempt = 1) => retryDelayForStatus(p, { status, idempotent, retryAfterMs, attempt });
    expect(d(503, true)).toBe(375);
    expect(d(503, false)).toBeUndefined();
    expect(d(429, false, 2000)).toBe(2000); // a rate-limited request was not processed: safe
    expect(d(429, false)).toBeUndefined();
    expect(d(429, true)).toBe(375);
    expect(d(429, true, 120_000)).toBeUndefined(); // longer than we are willing to wait
    expect(d(500, true)).toBeUndefined();
    expect(d(503, true, undefined, 4)).toBeUndefined();
  });
});

describe('HttpTransport', () => {
  it('retries a GET on 503 with backoff, then succeeds', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(503, 'busy').times(2);
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(200, { servers: [] });
    const res = await transport.send(req('GET'));
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(clock.sleeps).toEqual([375, 750]);
    expect(events.filter((e) => e.kind === 'retry').map((e) => (e as { reason: string }).reason)).toEqual(['HTTP 503', 'HTTP 503']);
  });

  it('never retries a POST on 503', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'POST' }).reply(503, 'busy');
    const res = await transport.send(req('POST', { body: '{}' }));
    expect(res.status).toBe(503);
    expect(clock.sleeps).toEqual([]);
  });

  it('honours Retry-After on 429, for a POST too', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'POST' }).reply(429, '', { headers: { 'retry-after': '2' } });
    pool().intercept({ path: '/v2.1/servers', method: 'POST' }).reply(202, { server: { id: 'x' } });
    const res = await transport.send(req('POST', { body: '{}' }));
    expect(res.status).toBe(202);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('stops after maxAttempts and hands back the last answer', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(503, 'busy').times(4);
    const res = await transport.send(req('GET'));
    expect(res.status).toBe(503);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('retries a GET whose connection was reset, but not a POST', async () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).replyWithError(reset);
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(200, {});
    expect((await transport.send(req('GET'))).status).toBe(200);
    pool().intercept({ path: '/v2.1/servers', method: 'POST' }).replyWithError(reset);
    const err = await transport.send(req('POST')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe(
      'Cannot reach http://api.test:8774/v2.1/servers (the connection to api.test:8774 was closed unexpectedly). Check the URL and that this machine can reach the host (network, proxy, firewall).',
    );
  });

  it('does not retry a refused connection and says nothing listens there', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const err = (await transport.send(req('GET')).catch((e: unknown) => e)) as UnreachableError;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.reason).toBe('connection refused: nothing listens on api.test:8774');
    expect(err.requestId).toBe('req-00000000-0000-0000-0000-000000000001');
    expect(clock.sleeps).toEqual([]);
  });

  it('reports a service that does not answer in time', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).replyWithError(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
    const err = await transport.send(req('GET')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('Nova (compute) did not answer GET http://api.test:8774/v2.1/servers within 5 s');
  });

  it('stops waiting for a retry when the signal aborts', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(503, 'busy').times(4);
    const ctl = new AbortController();
    const sleeping = new ManualClock();
    sleeping.sleep = async (ms, signal) => {
      sleeping.sleeps.push(ms);
      ctl.abort();
      if (signal?.aborted) throw new CancelledError(signal.reason);
    };
    const t = new HttpTransport({ ...transport.options, clock: sleeping });
    const err = await t.send(req('GET', { signal: ctl.signal })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).code).toBe('CANCELLED');
    expect(sleeping.sleeps).toHaveLength(1);
  });

  it('abandons a request in flight when the signal aborts', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(200, {}).delay(60_000);
    const ctl = new AbortController();
    const sending = transport.send(req('GET', { signal: ctl.signal }));
    ctl.abort();
    await expect(sending).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects at once with an already aborted signal', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(transport.send(req('GET', { signal: ctl.signal }))).rejects.toBeInstanceOf(CancelledError);
  });

  it('never puts headers (tokens) into events', async () => {
    pool().intercept({ path: '/v2.1/servers', method: 'GET' }).reply(200, {});
    await transport.send(req('GET'));
    expect(JSON.stringify(events)).not.toContain('secret-token');
  });
});

describe('typed status errors', () => {
  it('are built with the retry hint and the Retry-After they carried', () => {
    const e = new RateLimitedError({ status: 429, method: 'GET', url: `${ORIGIN}/x`, service: 'Nova (compute)', retryAfterMs: 120_000 });
    expect(e.retryable).toBe(true);
    expect(e.message).toContain('Retry after 120 s');
    const u = new ServiceUnavailableError({ status: 503, method: 'GET', url: `${ORIGIN}/x`, service: 'Nova (compute)', requestId: 'req-1' });
    expect(u.code).toBe('SERVICE_UNAVAILABLE');
    expect(u.fault).toBe('server');
  });
});
