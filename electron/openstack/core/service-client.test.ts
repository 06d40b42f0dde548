import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  FeatureUnsupportedError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  RateLimitedError,
  ResponseFormatError,
  ServerError,
  ServiceUnavailableError,
} from './errors';
import { extractServerMessage } from './fault-body';
import { ProviderClient } from './provider-client';
import { redactSecrets, redactUrl } from './redact';
import { getImage } from '../image/images';
import { listServers } from '../compute/servers';
import { listServerTags } from '../compute/server-tags';
import { standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

async function compute(overrides = {}) {
  const p = new ProviderClient(cloud.providerOptions(overrides));
  return p.compute();
}

describe('ServiceClient requests', () => {
  it('sends the token, a request id in oslo format, JSON accept and the negotiated microversion', async () => {
    cloud = standardCloud();
    const c = await compute();
    await listServers(c).all();
    const [list] = cloud.requestsTo(/servers\/detail$/);
    expect(list!.headers['x-auth-token']).toMatch(/^gAAAAA/);
    expect(list!.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(list!.headers.accept).toBe('application/json');
    expect(list!.headers['openstack-api-version']).toBe('compute 2.47');
    expect(list!.headers['x-openstack-nova-api-version']).toBe('2.47');
    // the version document is read once per service client
    await listServers(c).all();
    expect(cloud.requestsTo(/^\/v2\.1\/?$/)).toHaveLength(1);
  });

  it('checks the expected status codes of each call', async () => {
    cloud = standardCloud();
    const c = await compute();
    cloud.inject((r) => r.path === '/v2.1/servers', { status: 200, body: { server: { id: 'x' } } });
    const err = await c.post('servers', { server: {} }, { ok: [202] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).code).toBe('UNEXPECTED_STATUS');
  });

  it('turns a body that does not match the schema into ResponseFormatError', async () => {
    cloud = standardCloud();
    const c = await compute();
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 200, body: { servers: [{ name: 'no id' }] } });
    const err = (await listServers(c).all().catch((e: unknown) => e)) as ResponseFormatError;
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.message).toMatch(/Nova \(compute\) sent an answer to GET .*servers\/detail that Backstack cannot read: servers\.0\.id/);
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 200, body: 'not json' });
    await expect(c.get('servers/detail', { schema: z.object({}) })).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('refuses a call whose required feature the server lacks, naming the microversion', async () => {
    cloud = standardCloud({ novaMaxMicroversion: '2.25' });
    const c = await compute();
    const err = await listServerTags(c, 's-web').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeatureUnsupportedError);
    expect((err as Error).message).toBe('Nova (compute) at this endpoint supports microversions up to 2.25: server tags (needs 2.26) unavailable');
    expect(cloud.requestsTo(/\/tags$/)).toHaveLength(0);
  });

  it('retries a GET on 503 through the service client, then reports the outage clearly', async () => {
    cloud = standardCloud();
    const c = await compute();
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 503, body: '<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>' }, 4);
    const err = (await listServers(c).all().catch((e: unknown) => e)) as ServiceUnavailableError;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(503);
    expect(err.service).toBe('Nova (compute)');
    expect(err.message).toContain('Nova (compute) is unavailable (HTTP 503 on GET http://nova.test:8774/v2.1/servers/detail');
    expect(err.message).toContain('"503 Service Unavailable No server is available to handle this request."');
    expect(cloud.requestsTo(/servers\/detail$/)).toHaveLength(4);
  });
});

describe('error messages an administrator understands', () => {
  it('403: names the refused call and the likely missing role', async () => {
    cloud = standardCloud();
    const demo = await compute({ credentials: { kind: 'password', username: 'demo', userDomainName: 'Default', password: 'demo-pass' }, scope: undefined });
    const err = (await listServers(demo, { allTenants: true }).all().catch((e: unknown) => e)) as ForbiddenError;
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.code).toBe('FORBIDDEN');
    expect(err.fault).toBe('client');
    expect(err.requestId).toMatch(/^req-mock-/);
    expect(err.globalRequestId).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(err.message).toMatch(
      /^Nova \(compute\) refused GET http:\/\/nova\.test:8774\/v2\.1\/servers\/detail\?all_tenants=1 \(HTTP 403\): "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed\." \(request id req-mock-\w+\)\. The user probably lacks a role/,
    );
  });

  it('404 from Glance: extracts the sentence from its HTML page', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions());
    const err = (await getImage(await p.image(), 'missing').catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.serverMessage).toBe('404 Not Found No image found with ID missing');
    expect(err.message).toContain('Glance (image) has no http://glance.test:9292/v2/images/missing');
  });

  it('409, 429 and 500 map to their classes', async () => {
    cloud = standardCloud();
    const c = await compute();
    cloud.inject((r) => r.path === '/v2.1/servers', { status: 409, body: { conflictingRequest: { code: 409, message: 'Cannot delete while in task_state spawning' } } });
    await expect(c.post('servers', {})).rejects.toBeInstanceOf(ConflictError);
    cloud.inject((r) => r.path === '/v2.1/servers', { status: 429, body: { overLimit: { message: 'slow down' } }, headers: { 'retry-after': '600' } });
    const limited = (await c.post('servers', {}).catch((e: unknown) => e)) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(600_000);
    cloud.inject((r) => r.path === '/v2.1/servers', { status: 500, body: { computeFault: { code: 500, message: 'Unexpected API Error.' } } });
    const fault = (await c.post('servers', {}).catch((e: unknown) => e)) as ServerError;
    expect(fault).toBeInstanceOf(ServerError);
    expect(fault.fault).toBe('server');
    expect(fault.message).toContain('This is a fault on the OpenStack side');
  });

  it('extracts messages from every envelope', () => {
    expect(extractServerMessage('{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}')).toBe(
      'The request you have made requires authentication.',
    );
    expect(extractServerMessage('{"NeutronError": {"type": "NetworkNotFound", "message": "Network x could not be found.", "detail": ""}}')).toBe(
      'Network x could not be found.',
    );
    expect(extractServerMessage('{"badRequest": {"code": 400, "message": "Invalid input"}}')).toBe('Invalid input');
    expect(extractServerMessage('{"message": "glance says"}')).toBe('glance says');
    expect(extractServerMessage('')).toBeUndefined();
    expect(extractServerMessage('x'.repeat(1000))!.length).toBe(400);
  });

  it('redacts secrets from text and URLs', () => {
    expect(redactSecrets('{"password": "hunter2", "name": "admin"}')).toBe('{"password": "***", "name": "admin"}');
    expect(redactSecrets('X-Auth-Token: abc123 then')).toBe('X-Auth-Token: *** then');
    expect(redactSecrets('token gAAAAABlongfernettokenvalue_123456789 used')).toBe('token *** used');
    expect(redactUrl('https://user:pw@keystone.example.com/v3')).toBe('https://***@keystone.example.com/v3');
  });
});
