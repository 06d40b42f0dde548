// A fake OpenStack behind an undici MockAgent, for unit tests and benchmarks: Keystone with real
// token semantics (scopes, expiry, revocation, catalog), and Nova/Cinder/Glance/Neutron list
// endpoints in their own pagination dialects and microversion behaviour. Only faults the lab
// cannot produce (scale, 429/503, odd links) need it; the lab tests cover the real thing.
import { MockAgent } from 'undici';
import { ManualClock, type Clock } from '../core/clock';
import type { ProviderClientOptions } from '../core/provider-client';
import { keystoneRoutes } from './mock-keystone';
import { serviceRoutes } from './mock-services';

export const ORIGINS = {
  keystone: 'http://keystone.test:5000',
  nova: 'http://nova.test:8774',
  cinder: 'http://cinder.test:8776',
  glance: 'http://glance.test:9292',
  neutron: 'http://neutron.test:9696',
} as const;
export const INTERNAL_HOST_SUFFIX = '-internal.test';

export interface MockRequest {
  origin: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  /** Microversion requested through OpenStack-API-Version, if any. */
  microversion: string | undefined;
}

export interface MockReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: MockRequest, match: RegExpExecArray) => MockReply;

interface Route {
  origin: string;
  method: string;
  pattern: RegExp;
  handler: Handler;
  auth: boolean;
}

interface Fault {
  match: (req: MockRequest) => boolean;
  remaining: number;
  reply: (req: MockRequest) => MockReply | Error;
}

export interface MockQuota {
  instances: number;
  cores: number;
  ramMiB: number;
  volumes: number;
  gigabytes: number;
  snapshots: number;
}

export interface MockUser {
  id: string;
  name: string;
  domainId: string;
  password: string;
  defaultProjectId?: string;
}

export interface IssuedToken {
  id: string;
  userId: string;
  scope: { kind: 'unscoped' } | { kind: 'project'; id: string } | { kind: 'domain'; id: string };
  roles: string[];
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

type Wire = Record<string, unknown>;

export interface MockCloudOptions {
  /** Default: a ManualClock shared with the clients made by providerOptions(). */
  clock?: Clock;
  tokenTtlMs?: number;
  novaMaxMicroversion?: string;
  cinderMaxMicroversion?: string;
  /** Nova's and Cinder's osapi max_limit. */
  maxPageSize?: number;
  /** Glance's default page size (25 in Glance). */
  glanceDefaultLimit?: number;
}

export class MockCloud {
  readonly agent = new MockAgent();
  readonly clock: Clock;
  readonly options: Required<Omit<MockCloudOptions, 'clock'>>;
  readonly requests: MockRequest[] = [];
  readonly routes: Route[] = [];
  readonly faults: Fault[] = [];

  // Identity
  readonly domains: Wire[] = [{ id: 'default', name: 'Default', enabled: true, description: 'The default domain' }];
  readonly projects: Wire[] = [];
  readonly users: MockUser[] = [];
  /** role assignments: user → scope id (project or domain) → role names */
  readonly assignments = new Map<string, Map<string, string[]>>();
  readonly applicationCredentials: { id: string; secret: string; userId: string; projectId: string; roles: string[] }[] = [];
  readonly tokens = new Map<string, IssuedToken>();
  private tokenSeq = 0;

  // Resources, as the wire shows them at the highest microversion (renderers strip per version).
  readonly servers: Wire[] = [];
  readonly flavors: Wire[] = [];
  readonly keypairs: Wire[] = [];
  readonly hypervisors: Wire[] = [];
  readonly volumes: Wire[] = [];
  readonly snapshots: Wire[] = [];
  readonly volumeTypes: Wire[] = [];
  readonly images: Wire[] = [];
  readonly networks: Wire[] = [];
  readonly subnets: Wire[] = [];
  readonly ports: Wire[] = [];
  readonly securityGroups: Wire[] = [];
  /** quotas per project, where a test sets them (else Nova's and Cinder's defaults; -1: unlimited) */
  readonly quotas = new Map<string, Partial<MockQuota>>();
  /** what a server's snapshot image (createImage) holds besides the defaults: `_data` (its bytes), size, disk_format, `_becomes` … */
  snapshotImage: (server: Wire) => Wire = () => ({});
  /** what a server printed on its serial console (os-getConsoleOutput): a small Linux booting to a login prompt, unless a test says otherwise */
  consoleOf: (server: Wire) => string = (s) =>
    ['[    0.000000] Linux version 6.1.0-cloud-amd64', '[    1.204512] Run /init as init process', `Welcome to ${String(s.name)}`, '', `${String(s.name)} login: `].join('\n');

  constructor(options: MockCloudOptions = {}) {
    // Virtual time by default: backoff and Retry-After never sleep in tests.
    this.clock = options.clock ?? new ManualClock();
    this.options = {
      tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
      novaMaxMicroversion: options.novaMaxMicroversion ?? '2.93',
      cinderMaxMicroversion: options.cinderMaxMicroversion ?? '3.70',
      maxPageSize: options.maxPageSize ?? 1000,
      glanceDefaultLimit: options.glanceDefaultLimit ?? 25,
    };
    this.agent.disableNetConnect();
    for (const origin of Object.values(ORIGINS)) this.listen(origin);
    for (const origin of Object.values(ORIGINS)) this.listen(origin.replace('.test', INTERNAL_HOST_SUFFIX));
    keystoneRoutes(this);
    serviceRoutes(this);
  }

  get authUrl(): string {
    return `${ORIGINS.keystone}/v3`;
  }

  /** Options for a ProviderClient talking to this cloud; deterministic retry jitter. */
  providerOptions(overrides: Partial<ProviderClientOptions> = {}): ProviderClientOptions {
    return {
      authUrl: this.authUrl,
      region: 'RegionOne',
      credentials: { kind: 'password', username: 'admin', userDomainName: 'Default', password: 'admin-pass' },
      scope: { kind: 'project', name: 'admin', domainName: 'Default' },
      dispatcher: this.agent,
      clock: this.clock,
      retry: { random: () => 0.5 },
      ...overrides,
    };
  }

  route(origin: string, method: string, pattern: RegExp, handler: Handler, auth = true): void {
    this.routes.push({ origin, method, pattern, handler, auth });
  }

  /** Makes the next `times` matching requests answer differently (or fail at the socket). */
  inject(match: (req: MockRequest) => boolean, reply: MockReply | Error | ((req: MockRequest) => MockReply | Error), times = 1): void {
    this.faults.push({ match, remaining: times, reply: typeof reply === 'function' ? reply : () => reply });
  }

  requestsTo(pathPattern: RegExp, method?: string): MockRequest[] {
    return this.requests.filter((r) => pathPattern.test(r.path) && (method === undefined || r.method === method));
  }

  private closed = false;

  /** Idempotent, so an afterEach may close whatever cloud the test used last. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.agent.close();
  }

  revokeAllTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  nextTokenId(): string {
    return `gAAAAAmocktoken${String(++this.tokenSeq).padStart(24, '0')}`;
  }

  validToken(req: MockRequest): IssuedToken | undefined {
    const t = this.tokens.get(req.headers['x-auth-token'] ?? '');
    if (!t || t.revoked || t.expiresAt <= this.clock.now()) return undefined;
    return t;
  }

  private listen(origin: string): void {
    this.agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        const url = new URL(opts.path, origin);
        const headers = lowerCaseHeaders(opts.headers);
        let body: unknown = undefined;
        if (typeof opts.body === 'string' && opts.body) {
          try {
            body = JSON.parse(opts.body);
          } catch {
            body = opts.body;
          }
        }
        const mv = headers['openstack-api-version']?.split(' ')[1] ?? headers['x-openstack-nova-api-version'];
        const req: MockRequest = { origin, method: opts.method, path: url.pathname, query: url.searchParams, headers, body, microversion: mv };
        this.requests.push(req);
        return toUndiciReply(this.dispatch(req));
      })
      .persist();
  }

  private dispatch(req: MockRequest): MockReply {
    const fault = this.faults.find((f) => f.remaining > 0 && f.match(req));
    if (fault) {
      fault.remaining--;
      const r = fault.reply(req);
      if (r instanceof Error) throw r;
      return r;
    }
    const canonicalOrigin = req.origin.replace(INTERNAL_HOST_SUFFIX, '.test');
    for (const route of this.routes) {
      if (route.origin !== canonicalOrigin || route.method !== req.method) continue;
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      if (route.auth && !this.validToken(req))
        return { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } };
      return route.handler(req, m);
    }
    return { status: 404, body: { itemNotFound: { code: 404, message: `No route for ${req.method} ${req.path}` } } };
  }
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
  } else if (headers instanceof Headers) {
    headers.forEach((v, k) => (out[k.toLowerCase()] = v));
  } else {
    for (const [k, v] of Object.entries(headers as Record<string, string>)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

function toUndiciReply(r: MockReply): { statusCode: number; data: string | Buffer; responseOptions: { headers: Record<string, string> } } {
  // image data (Glance's …/file) goes as bytes
  if (Buffer.isBuffer(r.body)) return { statusCode: r.status, data: r.body, responseOptions: { headers: { 'content-type': 'application/octet-stream', 'content-length': String(r.body.length), ...r.headers } } };
  const isText = typeof r.body === 'string';
  const data = r.body === undefined ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
  return {
    statusCode: r.status,
    data,
    responseOptions: {
      headers: {
        ...(r.body === undefined || isText ? {} : { 'content-type': 'application/json' }),
        'x-openstack-request-id': `req-mock-${Math.random().toString(16).slice(2, 10)}`,
        ...r.headers,
      },
    },
  };
}
