// Keystone v3 of the mock cloud: password, application-credential and token methods; unscoped,
// default-project, project and domain scopes; expiry and revocation; a catalog with public,
// internal and admin endpoints.
import { INTERNAL_HOST_SUFFIX, ORIGINS, type IssuedToken, type MockCloud, type MockReply, type MockRequest, type MockUser } from './mock-cloud';

type Wire = Record<string, unknown>;
const ID = '([^/]+)';

const unauthorized = (message = 'The request you have made requires authentication.'): MockReply => ({
  status: 401,
  body: { error: { code: 401, title: 'Unauthorized', message } },
});

function findUser(cloud: MockCloud, ref: Wire | undefined): MockUser | undefined {
  if (!ref) return undefined;
  if (typeof ref.id === 'string') return cloud.users.find((u) => u.id === ref.id);
  const domain = ref.domain as Wire | undefined;
  const domainId = typeof domain?.id === 'string' ? domain.id : cloud.domains.find((d) => d.name === domain?.name)?.id;
  return cloud.users.find((u) => u.name === ref.name && u.domainId === domainId);
}

function resolveScope(cloud: MockCloud, scope: unknown, user: MockUser): IssuedToken['scope'] | 'invalid' {
  if (scope === 'unscoped') return { kind: 'unscoped' };
  if (scope === undefined) return user.defaultProjectId ? { kind: 'project', id: user.defaultProjectId } : { kind: 'unscoped' };
  const s = scope as Wire;
  if (s.project) {
    const p = s.project as Wire;
    const domain = p.domain as Wire | undefined;
    const domainId = typeof domain?.id === 'string' ? domain.id : cloud.domains.find((d) => d.name === domain?.name)?.id;
    const project = cloud.projects.find((x) => (p.id ? x.id === p.id : x.name === p.name && x.domain_id === domainId));
    return project ? { kind: 'project', id: project.id as string } : 'invalid';
  }
  if (s.domain) {
    const d = s.domain as Wire;
    const domain = cloud.domains.find((x) => (d.id ? x.id === d.id : x.name === d.name));
    return domain ? { kind: 'domain', id: domain.id as string } : 'invalid';
  }
  return 'invalid';
}

export function catalogFor(projectId: string): Wire[] {
  const entry = (type: string, name: string, origin: string, path: string): Wire => ({
    type,
    name,
    id: `${name}-svc`,
    endpoints: (['public', 'internal', 'admin'] as const).map((iface) => ({
      id: `${name}-${iface}`,
      interface: iface,
      region: 'RegionOne',
      region_id: 'RegionOne',
      url: `${iface === 'internal' ? origin.replace('.test', INTERNAL_HOST_SUFFIX) : origin}${path}`,
    })),
  });
  return [
    entry('identity', 'keystone', ORIGINS.keystone, '/v3'),
    entry('compute', 'nova', ORIGINS.nova, '/v2.1'),
    entry('volumev3', 'cinderv3', ORIGINS.cinder, `/v3/${projectId}`),
    entry('image', 'glance', ORIGINS.glance, ''),
    entry('network', 'neutron', ORIGINS.neutron, ''),
  ];
}

function rolesOn(cloud: MockCloud, userId: string, scopeId: string): string[] {
  return cloud.assignments.get(userId)?.get(scopeId) ?? [];
}

function tokenBody(cloud: MockCloud, t: IssuedToken): Wire {
  const user = cloud.users.find((u) => u.id === t.userId)!;
  const domain = cloud.domains.find((d) => d.id === user.domainId)!;
  const body: Wire = {
    methods: t.methods,
    user: { id: user.id, name: user.name, domain: { id: domain.id, name: domain.name } },
    expires_at: new Date(t.expiresAt).toISOString(),
    issued_at: new Date(t.issuedAt).toISOString(),
  };
  if (t.scope.kind === 'project') {
    const scopeId = t.scope.id;
    const project = cloud.projects.find((p) => p.id === scopeId)!;
    const pd = cloud.domains.find((d) => d.id === project.domain_id)!;
    body.project = { id: project.id, name: project.name, domain: { id: pd.id, name: pd.name } };
    body.catalog = catalogFor(scopeId);
  } else if (t.scope.kind === 'domain') {
    const scopeId = t.scope.id;
    const d = cloud.domains.find((x) => x.id === scopeId)!;
    body.domain = { id: d.id, name: d.name };
    body.catalog = [];
  }
  if (t.scope.kind !== 'unscoped') body.roles = t.roles.map((name) => ({ id: `role-${name}`, name }));
  return body;
}

function issue(cloud: MockCloud, req: MockRequest): MockReply {
  const auth = ((req.body as Wire | undefined)?.auth ?? {}) as Wire;
  const identity = (auth.identity ?? {}) as Wire;
  const methods = (identity.methods ?? []) as string[];
  let user: MockUser | undefined;
  let scope: IssuedToken['scope'] | 'invalid';
  let expiresAt = cloud.clock.now() + cloud.options.tokenTtlMs;
  let roles: string[] | undefined;
  if (methods.includes('password')) {
    const pw = ((identity.password as Wire | undefined)?.user ?? {}) as Wire;
    user = findUser(cloud, pw);
    if (!user || user.password !== pw.password) return unauthorized();
    scope = resolveScope(cloud, auth.scope, user);
  } else if (methods.includes('application_credential')) {
    const ac = (identity.application_credential ?? {}) as Wire;
    const cred = cloud.applicationCredentials.find((c) => c.id === ac.id && c.secret === ac.secret);
    if (!cred) return unauthorized();
    user = cloud.users.find((u) => u.id === cred.userId);
    scope = { kind: 'project', id: cred.projectId };
    roles = cred.roles;
  } else if (methods.includes('token')) {
    const parent = cloud.tokens.get(String((identity.token as Wire | undefined)?.id ?? ''));
    if (!parent || parent.revoked || parent.expiresAt <= cloud.clock.now()) return unauthorized('Could not find token.');
    user = cloud.users.find((u) => u.id === parent.userId);
    expiresAt = parent.expiresAt; // Keystone keeps the original expiry when rescoping
    scope = user ? resolveScope(cloud, auth.scope, user) : 'invalid';
  } else {
    return { status: 400, body: { error: { code: 400, message: 'Invalid input for field identity/methods' } } };
  }
  if (!user || scope === 'invalid') return unauthorized();
  if (scope.kind !== 'unscoped') {
    roles ??= rolesOn(cloud, user.id, scope.id);
    if (roles.length === 0) return unauthorized();
  }
  const token: IssuedToken = {
    id: cloud.nextTokenId(),
    userId: user.id,
    scope,
    roles: roles ?? [],
    methods: methods.includes('token') ? ['token', 'password'] : methods,
    issuedAt: cloud.clock.now(),
    expiresAt,
    revoked: false,
  };
  cloud.tokens.set(token.id, token);
  return { status: 201, body: { token: tokenBody(cloud, token) }, headers: { 'x-subject-token': token.id } };
}

const list = (key: string, items: Wire[], self: string): MockReply => ({
  status: 200,
  body: { [key]: items, links: { self, previous: null, next: null } },
});

export function keystoneRoutes(cloud: MockCloud): void {
  const k = ORIGINS.keystone;
  cloud.route(k, 'POST', /^\/v3\/auth\/tokens$/, (req) => issue(cloud, req), false);
  cloud.route(k, 'DELETE', /^\/v3\/auth\/tokens$/, (req) => {
    const t = cloud.tokens.get(req.headers['x-subject-token'] ?? '');
    if (t) t.revoked = true;
    return { status: 204 };
  });
  cloud.route(
    k,
    'GET',
    /^\/v3\/?$/,
    () => ({ status: 200, body: { version: { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z', links: [] } } }),
    false,
  );
  cloud.route(k, 'GET', /^\/v3\/auth\/projects$/, (req) => {
    const t = cloud.validToken(req)!;
    const mine = cloud.assignments.get(t.userId) ?? new Map<string, string[]>();
    return list('projects', cloud.projects.filter((p) => mine.has(p.id as string)), `${k}/v3/auth/projects`);
  });
  cloud.route(k, 'GET', /^\/v3\/auth\/domains$/, (req) => {
    const t = cloud.validToken(req)!;
    const mine = cloud.assignments.get(t.userId) ?? new Map<string, string[]>();
    return list('domains', cloud.domains.filter((d) => mine.has(d.id as string)), `${k}/v3/auth/domains`);
  });
  cloud.route(k, 'GET', new RegExp(`^/v3/users/${ID}/projects$`), (req, m) => {
    const t = cloud.validToken(req)!;
    if (m[1] !== t.userId && !t.roles.includes('admin')) return { status: 403, body: { error: { code: 403, message: 'You are not authorized' } } };
    const theirs = cloud.assignments.get(m[1]!) ?? new Map<string, string[]>();
    return list('projects', cloud.projects.filter((p) => theirs.has(p.id as string)), `${k}${req.path}`);
  });
  const adminOnly = (req: MockRequest): MockReply | undefined =>
    cloud.validToken(req)!.roles.includes('admin')
      ? undefined
      : { status: 403, body: { error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action: identity:list_projects.' } } };
  cloud.route(k, 'GET', /^\/v3\/projects$/, (req) => {
    const denied = adminOnly(req);
    if (denied) return denied;
    const domainId = req.query.get('domain_id');
    return list('projects', cloud.projects.filter((p) => !domainId || p.domain_id === domainId), `${k}/v3/projects`);
  });
  cloud.route(k, 'GET', /^\/v3\/domains$/, (req) => adminOnly(req) ?? list('domains', cloud.domains, `${k}/v3/domains`));
  cloud.route(k, 'GET', new RegExp(`^/v3/projects/${ID}$`), (_req, m) => {
    const p = cloud.projects.find((x) => x.id === m[1]);
    return p ? { status: 200, body: { project: p } } : { status: 404, body: { error: { code: 404, message: `Could not find project: ${m[1]}.` } } };
  });
  cloud.route(k, 'GET', new RegExp(`^/v3/domains/${ID}$`), (_req, m) => {
    const d = cloud.domains.find((x) => x.id === m[1]);
    return d ? { status: 200, body: { domain: d } } : { status: 404, body: { error: { code: 404, message: `Could not find domain: ${m[1]}.` } } };
  });
}
