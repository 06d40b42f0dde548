import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { AuthenticationError, EndpointUnreachableError, InvalidOptionsError, NotFoundError, UnauthorizedError, UnreachableError } from './errors';
import { normalizeAuthUrl, ProviderClient } from './provider-client';
import { listServers } from '../compute/servers';
import { listAuthDomains } from '../identity/domains';
import { listAuthProjects } from '../identity/projects';
import { standardCloud } from '../testing/fixtures';
import { ORIGINS, type MockCloud } from '../testing/mock-cloud';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

const tokenRequests = (): unknown[] => cloud.requestsTo(/\/v3\/auth\/tokens$/, 'POST').map((r) => r.body);

describe('Keystone authentication', () => {
  it('normalizes the auth URL the way admins write it', () => {
    expect(normalizeAuthUrl('https://k.example.com:5000')).toBe('https://k.example.com:5000/v3');
    expect(normalizeAuthUrl('https://k.example.com:5000/v3/')).toBe('https://k.example.com:5000/v3');
    expect(normalizeAuthUrl('https://k.example.com/identity/v2.0')).toBe('https://k.example.com/identity/v3');
    expect(() => normalizeAuthUrl('keystone:5000')).toThrow(InvalidOptionsError);
  });

  it('gets a project-scoped token with a password and describes it without the secret', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions());
    const info = await p.authenticate();
    expect(info).toMatchObject({ userName: 'admin', userDomainName: 'Default', isAdmin: true, scope: { kind: 'project', name: 'admin', domainName: 'Default' } });
    expect(tokenRequests()).toEqual([
      {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'admin-pass' } } },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      },
    ]);
    const token = await p.token();
    expect(inspect(token)).not.toContain(token.secret());
    expect(JSON.stringify(token)).not.toContain(token.secret());
    expect(inspect(p)).not.toContain('admin-pass');
  });

  it('supports domain scope, explicit unscoped tokens and the default project', async () => {
    cloud = standardCloud();
    const domain = new ProviderClient(cloud.providerOptions({ scope: { kind: 'domain', name: 'Default' } }));
    expect((await domain.authenticate()).scope).toEqual({ kind: 'domain', id: 'default', name: 'Default' });
    const unscoped = new ProviderClient(cloud.providerOptions({ scope: { kind: 'unscoped' } }));
    expect((await unscoped.authenticate()).scope).toEqual({ kind: 'unscoped' });
    expect(tokenRequests()[1]).toMatchObject({ auth: { scope: 'unscoped' } });
    const demo = new ProviderClient(
      cloud.providerOptions({ credentials: { kind: 'password', username: 'demo', userDomainName: 'Default', password: 'demo-pass' }, scope: undefined }),
    );
    expect((await demo.authenticate()).scope).toMatchObject({ kind: 'project', name: 'demo' });
  });

  it('authenticates with an application credential, which cannot change scope', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions({ credentials: { kind: 'applicationCredential', id: 'ac-1', secret: 'ac-secret' }, scope: undefined }));
    expect((await p.authenticate()).scope).toMatchObject({ kind: 'project', id: 'p-demo' });
    expect(tokenRequests()[0]).toEqual({ auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac-1', secret: 'ac-secret' } } } });
    expect(() => p.withScope({ kind: 'project', id: 'p-prod' })).toThrow(/bound to its project/);
    expect(() => new ProviderClient(cloud.providerOptions({ credentials: { kind: 'applicationCredential', id: 'ac-1', secret: 'x' } }))).toThrow(InvalidOptionsError);
  });

  it('says which user and domain Keystone rejected, never the password', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions({ credentials: { kind: 'password', username: 'admin', userDomainName: 'Default', password: 'wrong-secret' } }));
    const err = await p.authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const e = err as AuthenticationError;
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.status).toBe(401);
    expect(e.fault).toBe('client');
    expect(e.requestId).toMatch(/^req-/);
    expect(e.message).toContain('Keystone rejected the credentials for user "admin" in domain "Default" for project "admin" in domain "Default"');
    expect(e.message).toContain('Check the user name, domain and password');
    expect(e.message + inspect(e)).not.toContain('wrong-secret');
  });

  it('explains a Keystone URL that is not Keystone', async () => {
    cloud = standardCloud();
    cloud.inject((r) => r.path.endsWith('/auth/tokens'), { status: 404, body: '<html>Not Found</html>' });
    const err = await new ProviderClient(cloud.providerOptions()).authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain('There is no Keystone v3 API at http://keystone.test:5000/v3');
  });
});

describe('token lifetime', () => {
  it('renews the token shortly before it expires', async () => {
    const clock = new ManualClock();
    cloud = standardCloud({ clock, tokenTtlMs: 3_600_000 });
    const p = new ProviderClient(cloud.providerOptions({ refreshMarginMs: 300_000 }));
    const first = await p.token();
    clock.advance(3_600_000 - 300_001);
    expect(await p.token()).toBe(first);
    clock.advance(2);
    const second = await p.token();
    expect(second).not.toBe(first);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('renews a revoked token once for many concurrent requests, then retries each once', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions());
    const compute = await p.compute();
    await listServers(compute, { allTenants: true }).all();
    cloud.revokeAllTokens();
    const results = await Promise.all(Array.from({ length: 8 }, () => listServers(compute, { allTenants: true }).all()));
    expect(results.every((r) => r.length === 3)).toBe(true);
    expect(tokenRequests()).toHaveLength(2); // the first sign-in and one shared renewal
    expect(cloud.requestsTo(/servers\/detail$/).filter((r) => r.headers['x-auth-token'] !== undefined)).toHaveLength(1 + 8 + 8);
  });

  it('gives up with UnauthorizedError when the service still refuses the new token', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions());
    const compute = await p.compute();
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 401, body: { error: { message: 'nope' } } }, 2);
    const err = await listServers(compute).all().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).message).toContain('Nova (compute) rejected the Keystone token');
    expect(tokenRequests()).toHaveLength(2);
  });
});

describe('multi-domain discovery and rescoping', () => {
  it('lists reachable domains and projects with an unscoped token and rescopes without the password', async () => {
    cloud = standardCloud();
    const root = new ProviderClient(
      cloud.providerOptions({ credentials: { kind: 'password', username: 'acme-user', userDomainName: 'acme', password: 'acme-user-pass' }, scope: { kind: 'unscoped' } }),
    );
    const identity = await root.identity();
    expect((await listAuthProjects(identity).all()).map((p) => p.name).sort()).toEqual(['acme-dev', 'acme-prod']);
    expect((await listAuthDomains(identity).all()).map((d) => d.name)).toEqual(['acme']);
    const prod = root.withScope({ kind: 'project', id: 'p-prod' });
    const servers = await listServers(await prod.compute()).all();
    expect(servers.map((s) => s.name)).toEqual(['acme-app-1']);
    const rescope = tokenRequests()[1] as { auth: { identity: { methods: string[] } } };
    expect(rescope.auth.identity.methods).toEqual(['token']);
    expect(JSON.stringify(rescope)).not.toContain('acme-user-pass');
  });

  it('rescopes again after the parent token was revoked', async () => {
    cloud = standardCloud();
    const root = new ProviderClient(cloud.providerOptions({ scope: { kind: 'unscoped' } }));
    const admin = root.withScope({ kind: 'project', id: 'p-admin' });
    const compute = await admin.compute();
    await listServers(compute).all();
    cloud.revokeAllTokens();
    expect(await listServers(compute, { allTenants: true }).all()).toHaveLength(3);
    // sign-in, rescope, rescope refused (parent revoked), parent sign-in, rescope
    expect((tokenRequests() as { auth: { identity: { methods: string[] } } }[]).map((b) => b.auth.identity.methods[0])).toEqual([
      'password',
      'token',
      'token',
      'password',
      'token',
    ]);
  });

  it('explains a scope the user has no role on', async () => {
    cloud = standardCloud();
    const root = new ProviderClient(
      cloud.providerOptions({ credentials: { kind: 'password', username: 'acme-user', userDomainName: 'acme', password: 'acme-user-pass' }, scope: { kind: 'unscoped' } }),
    );
    const err = await root.withScope({ kind: 'project', id: 'p-admin' }).authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('Keystone refused to scope the token of user "acme-user" in domain "acme" to project p-admin');
  });
});

describe('endpoint selection', () => {
  it('uses the provider interface and region for every service', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions({ interface: 'internal' }));
    const compute = await p.compute();
    expect(compute.endpoint).toBe('http://nova-internal.test:8774/v2.1');
    expect((await p.blockStorage()).endpoint).toBe('http://cinder-internal.test:8776/v3/p-admin');
    expect((await p.image()).resourceBase).toBe('http://glance-internal.test:9292/v2/');
    expect((await p.network()).resourceBase).toBe('http://neutron-internal.test:9696/v2.0/');
    expect((await p.identity()).endpoint).toBe('http://keystone.test:5000/v3');
    await expect(p.service('compute', { region: 'RegionTwo' })).rejects.toThrow(/no internal endpoint of Nova \(compute\) in region RegionTwo/);
  });

  it('names the service, its URL and interface when its endpoint is out of reach while Keystone answers, and the other interfaces', async () => {
    cloud = standardCloud();
    const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    cloud.inject((r) => r.origin === ORIGINS.nova, refused, 10);
    const p = new ProviderClient(cloud.providerOptions());
    const err = await listServers(await p.compute()).all().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointUnreachableError);
    expect((err as EndpointUnreachableError).code).toBe('UNREACHABLE');
    expect((err as Error).message).toBe(
      'The compute service (nova) at http://nova.test:8774/v2.1 (public interface) cannot be reached (connection refused: nothing listens on nova.test:8774). ' +
        "Keystone answered, so the cloud is up: choose the internal or admin interface in the cloud's settings (endpoint interface), or check that this workstation can reach that address.",
    );
    // The interface the message suggests works from here.
    const internal = new ProviderClient(cloud.providerOptions({ interface: 'internal' }));
    expect((await listServers(await internal.compute(), { allTenants: true }).all()).length).toBeGreaterThan(0);
  });

  it('says so when the catalog offers no other interface for an unreachable service', () => {
    const cause = new UnreachableError({ url: 'http://glance.internal:9292/', method: 'GET', reason: 'the host name "glance.internal" does not resolve' });
    const err = new EndpointUnreachableError({ cause, serviceType: 'image', endpoint: 'http://glance.internal:9292', origin: { serviceName: 'glance', interface: 'internal', alternatives: [] } });
    expect(err.message).toBe(
      'The image service (glance) at http://glance.internal:9292 (internal interface) cannot be reached (the host name "glance.internal" does not resolve). ' +
        'Keystone answered, so the cloud is up: the service catalog offers no other interface for it, so check that this workstation can reach that address (network, VPN, proxy, firewall).',
    );
    expect(err.retryable).toBe(true);
  });

  it('explains that an unscoped token has no catalog', async () => {
    cloud = standardCloud();
    const p = new ProviderClient(cloud.providerOptions({ scope: { kind: 'unscoped' } }));
    await expect(p.compute()).rejects.toThrow(/no service catalog \(it is unscoped\)/);
  });
});
