// Nova, Cinder, Glance and Neutron of the mock cloud: list/get with each service's pagination
// dialect, microversion-dependent shapes, admin-only attributes and policies.
import { INTERNAL_HOST_SUFFIX, ORIGINS, type MockCloud, type MockReply, type MockRequest } from './mock-cloud';
import { atLeast, forbidden, ID, isAdmin, notFound, projectOf, strip, type Wire } from './mock-util';
import { limitRoutes } from './mock-limits';
import { readAndAdvance, writeRoutes } from './mock-writes';

interface Page {
  page: Wire[];
  next: URLSearchParams | undefined;
  error?: MockReply;
}

/** marker/limit over items; a next-page query whenever a page comes back full (as Nova does). */
function paginate(items: Wire[], req: MockRequest, opts: { max: number; defaultLimit?: number; key?: string }): Page {
  const key = opts.key ?? 'id';
  const asked = req.query.get('limit');
  const limit = Math.min(asked ? Number(asked) : (opts.defaultLimit ?? opts.max), opts.max);
  const marker = req.query.get('marker');
  let start = 0;
  if (marker) {
    const i = items.findIndex((x) => x[key] === marker);
    if (i < 0) return { page: [], next: undefined, error: { status: 400, body: { badRequest: { code: 400, message: `marker [${marker}] not found` } } } };
    start = i + 1;
  }
  const page = items.slice(start, start + limit);
  if (page.length < limit || page.length === 0) return { page, next: undefined };
  const next = new URLSearchParams(req.query);
  next.set('limit', String(limit));
  next.set('marker', String(page[page.length - 1]![key]));
  return { page, next };
}

function internalLink(req: MockRequest, next: URLSearchParams): string {
  return `${req.origin.replace('.test', INTERNAL_HOST_SUFFIX)}${req.path}?${next.toString()}`;
}

function linked(req: MockRequest, key: string, p: Page, render: (w: Wire) => unknown = strip): MockReply {
  if (p.error) return p.error;
  const body: Wire = { [key]: p.page.map(render) };
  if (p.next) body[`${key}_links`] = [{ rel: 'next', href: internalLink(req, p.next) }];
  return { status: 200, body };
}

function renderServer(s: Wire, req: MockRequest, admin: boolean): Wire {
  const out = strip(s);
  if (!atLeast(req, '2.1', '2.26')) delete out.tags;
  if (!atLeast(req, '2.1', '2.47')) out.flavor = { id: s._flavorId, links: [] };
  if (!atLeast(req, '2.1', '2.3')) {
    delete out['OS-EXT-SRV-ATTR:root_device_name'];
    out['os-extended-volumes:volumes_attached'] = ((s['os-extended-volumes:volumes_attached'] ?? []) as Wire[]).map((v) => ({ id: v.id }));
  }
  if (!admin) for (const k of Object.keys(out)) if (k.startsWith('OS-EXT-SRV-ATTR:')) delete out[k];
  return out;
}

function novaRoutes(cloud: MockCloud): void {
  const o = ORIGINS.nova;
  const max = cloud.options.maxPageSize;
  const version = { id: 'v2.1', status: 'CURRENT', version: cloud.options.novaMaxMicroversion, min_version: '2.1', updated: '2013-07-23T11:33:21Z' };
  cloud.route(o, 'GET', /^\/v2\.1\/?$/, () => ({ status: 200, body: { version } }));
  cloud.route(o, 'GET', /^\/?$/, () => ({ status: 200, body: { versions: [version] } }), false);
  cloud.route(o, 'GET', /^\/v2\.1\/servers\/detail$/, (req) => {
    const t = cloud.validToken(req)!;
    const all = req.query.has('all_tenants');
    if (all && !isAdmin(t)) return forbidden('os_compute_api:servers:detail:get_all_tenants');
    const project = all ? req.query.get('project_id') : projectOf(t);
    const tags = req.query.get('tags')?.split(',');
    const since = req.query.get('changes-since');
    const items = cloud.servers.filter(
      (s) =>
        (!project || s.tenant_id === project) &&
        (!req.query.get('name') || new RegExp(req.query.get('name')!).test(String(s.name))) &&
        (!req.query.get('status') || s.status === req.query.get('status')) &&
        (!tags || tags.every((tag) => (s.tags as string[]).includes(tag))) &&
        (!since || String(s.updated) >= since),
    );
    return linked(req, 'servers', paginate(items, req, { max }), (s) => renderServer(s, req, isAdmin(t)));
  });
  cloud.route(o, 'GET', new RegExp(`^/v2\\.1/servers/${ID}$`), (req, m) => {
    const s = readAndAdvance(cloud.servers, m[1]);
    return s ? { status: 200, body: { server: renderServer(s, req, isAdmin(cloud.validToken(req)!)) } } : notFound(`Instance ${m[1]} could not be found.`);
  });
  cloud.route(o, 'DELETE', new RegExp(`^/v2\\.1/servers/${ID}$`), (_req, m) => {
    const i = cloud.servers.findIndex((x) => x.id === m[1]);
    if (i < 0) return notFound(`Instance ${m[1]} could not be found.`);
    // as Nova does: its attached volumes are deleted with it when marked so, else let go of
    for (const a of cloud.servers[i]!['os-extended-volumes:volumes_attached'] as Wire[]) {
      const v = cloud.volumes.find((x) => x.id === a.id);
      if (!v) continue;
      v.attachments = [];
      if (a.delete_on_termination === true) cloud.volumes.splice(cloud.volumes.indexOf(v), 1);
      else v.status = 'available';
    }
    cloud.servers.splice(i, 1);
    return { status: 204 };
  });
  cloud.route(o, 'GET', new RegExp(`^/v2\\.1/servers/${ID}/tags$`), (req, m) => {
    if (!atLeast(req, '2.1', '2.26')) return { status: 404, body: { itemNotFound: { code: 404, message: 'The resource could not be found.' } } };
    const s = cloud.servers.find((x) => x.id === m[1]);
    return s ? { status: 200, body: { tags: s.tags } } : notFound(`Instance ${m[1]} could not be found.`);
  });
  cloud.route(o, 'GET', /^\/v2\.1\/flavors\/detail$/, (req) => {
    const t = cloud.validToken(req)!;
    const all = req.query.get('is_public') === 'None' && isAdmin(t);
    const items = cloud.flavors.filter((f) => all || f['os-flavor-access:is_public'] !== false);
    return linked(req, 'flavors', paginate(items, req, { max }), (f) => {
      const out = strip(f);
      if (!atLeast(req, '2.1', '2.61')) delete out.extra_specs;
      if (!atLeast(req, '2.1', '2.55')) delete out.description;
      return out;
    });
  });
  cloud.route(o, 'GET', new RegExp(`^/v2\\.1/flavors/${ID}/os-extra_specs$`), (_req, m) => {
    const f = cloud.flavors.find((x) => x.id === m[1]);
    return f ? { status: 200, body: { extra_specs: f.extra_specs ?? {} } } : notFound(`Flavor ${m[1]} could not be found.`);
  });
  cloud.route(o, 'GET', /^\/v2\.1\/os-keypairs$/, (req) => {
    const t = cloud.validToken(req)!;
    const userId = req.query.get('user_id');
    if (userId && (!atLeast(req, '2.1', '2.10') || !isAdmin(t))) return forbidden('os_compute_api:os-keypairs:index');
    const items = cloud.keypairs.filter((k) => k.user_id === (userId ?? t.userId));
    const p = atLeast(req, '2.1', '2.35') ? paginate(items, req, { max, key: 'name' }) : { page: items, next: undefined };
    return linked(req, 'keypairs', p, (k) => ({ keypair: strip(k) }));
  });
  cloud.route(o, 'GET', /^\/v2\.1\/os-hypervisors\/detail$/, (req) => {
    if (!isAdmin(cloud.validToken(req)!)) return forbidden('os_compute_api:os-hypervisors:list-detail');
    const uuids = atLeast(req, '2.1', '2.53');
    const p = uuids ? paginate(cloud.hypervisors, req, { max }) : { page: cloud.hypervisors, next: undefined };
    return linked(req, 'hypervisors', p, (h) => {
      const out = strip(h);
      if (!uuids) out.id = h._intId;
      if (atLeast(req, '2.1', '2.88')) for (const k of ['vcpus', 'vcpus_used', 'memory_mb', 'memory_mb_used', 'local_gb', 'local_gb_used', 'running_vms']) delete out[k];
      return out;
    });
  });
  const zones = (detail: boolean): Wire[] => {
    const byZone = new Map<string, string[]>();
    for (const h of cloud.hypervisors) byZone.set(String(h._zone ?? 'nova'), [...(byZone.get(String(h._zone ?? 'nova')) ?? []), String(h.hypervisor_hostname)]);
    return [...byZone].map(([zoneName, hosts]) => ({
      zoneName,
      zoneState: { available: true },
      hosts: detail ? Object.fromEntries(hosts.map((h) => [h, { 'nova-compute': { available: true, active: true } }])) : null,
    }));
  };
  cloud.route(o, 'GET', /^\/v2\.1\/os-availability-zone$/, () => ({ status: 200, body: { availabilityZoneInfo: zones(false) } }));
  cloud.route(o, 'GET', /^\/v2\.1\/os-availability-zone\/detail$/, (req) =>
    isAdmin(cloud.validToken(req)!) ? { status: 200, body: { availabilityZoneInfo: zones(true) } } : forbidden('os_compute_api:os-availability-zone:detail'),
  );
}

function cinderRoutes(cloud: MockCloud): void {
  const o = ORIGINS.cinder;
  const max = cloud.options.maxPageSize;
  const version = { id: 'v3.0', status: 'CURRENT', version: cloud.options.cinderMaxMicroversion, min_version: '3.0', updated: '2023-08-31T00:00:00Z' };
  cloud.route(o, 'GET', /^\/v3\/?$/, () => ({ status: 200, body: { versions: [version] } }));
  cloud.route(o, 'GET', /^\/?$/, () => ({ status: 300, body: { versions: [version] } }), false);
  const scoped = (req: MockRequest, pid: string, items: Wire[], ownerKey: string): Wire[] | MockReply => {
    const t = cloud.validToken(req)!;
    if (projectOf(t) !== pid) return { status: 403, body: { forbidden: { code: 403, message: 'Project ID in URL does not match the token' } } };
    if (req.query.has('all_tenants') && isAdmin(t)) {
      const only = req.query.get('project_id');
      return only ? items.filter((x) => x[ownerKey] === only) : items;
    }
    return items.filter((x) => x[ownerKey] === pid);
  };
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/volumes/detail$`), (req, m) => {
    const items = scoped(req, m[1]!, cloud.volumes, 'os-vol-tenant-attr:tenant_id');
    if (!Array.isArray(items)) return items;
    const admin = isAdmin(cloud.validToken(req)!);
    return linked(req, 'volumes', paginate(items, req, { max }), (v) => {
      const out = strip(v);
      if (!atLeast(req, '3.0', '3.63')) delete out.volume_type_id;
      if (!admin) delete out['os-vol-host-attr:host'];
      return out;
    });
  });
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/volumes/${ID}$`), (_req, m) => {
    const v = readAndAdvance(cloud.volumes, m[2]);
    return v ? { status: 200, body: { volume: strip(v) } } : notFound(`Volume ${m[2]} could not be found.`);
  });
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/snapshots/${ID}$`), (_req, m) => {
    const v = readAndAdvance(cloud.snapshots, m[2]);
    return v ? { status: 200, body: { snapshot: strip(v) } } : notFound(`Snapshot ${m[2]} could not be found.`);
  });
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/snapshots/detail$`), (req, m) => {
    const items = scoped(req, m[1]!, cloud.snapshots, 'os-extended-snapshot-attributes:project_id');
    const volume = req.query.get('volume_id');
    return Array.isArray(items) ? linked(req, 'snapshots', paginate(volume ? items.filter((s) => s.volume_id === volume) : items, req, { max })) : items;
  });
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/types$`), (req) => {
    const admin = isAdmin(cloud.validToken(req)!);
    return { status: 200, body: { volume_types: cloud.volumeTypes.map((t) => (admin ? strip(t) : { ...strip(t), extra_specs: undefined })) } };
  });
  cloud.route(o, 'GET', new RegExp(`^/v3/${ID}/os-availability-zone$`), () => ({
    status: 200,
    body: { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] },
  }));
}

function glanceRoutes(cloud: MockCloud): void {
  const o = ORIGINS.glance;
  cloud.route(
    o,
    'GET',
    /^\/?$/,
    () => ({ status: 300, body: { versions: [{ id: 'v2.16', status: 'CURRENT' }, { id: 'v2.15', status: 'SUPPORTED' }] } }),
    false,
  );
  cloud.route(o, 'GET', /^\/v2\/images$/, (req) => {
    const t = cloud.validToken(req)!;
    const visibility = req.query.get('visibility');
    const instance = req.query.get('instance_uuid');
    const items = cloud.images.filter(
      (i) =>
        (isAdmin(t) || i.visibility === 'public' || i.owner === projectOf(t)) &&
        (!visibility || visibility === 'all' || i.visibility === visibility) &&
        (!instance || i.instance_uuid === instance),
    );
    const p = paginate(items, req, { max: 1000, defaultLimit: cloud.options.glanceDefaultLimit });
    if (p.error) return p.error;
    const body: Wire = { images: p.page.map(strip), first: '/v2/images', schema: '/v2/schemas/images' };
    if (p.next) body.next = `/v2/images?${p.next.toString()}`;
    return { status: 200, body };
  });
  cloud.route(o, 'GET', new RegExp(`^/v2/images/${ID}$`), (_req, m) => {
    const i = readAndAdvance(cloud.images, m[1]);
    if (i) return { status: 200, body: strip(i) };
    return {
      status: 404,
      body: `<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID ${m[1]}<br /><br />\n </body>\n</html>`,
      headers: { 'content-type': 'text/html; charset=UTF-8' },
    };
  });
}

function neutronRoutes(cloud: MockCloud): void {
  const o = ORIGINS.neutron;
  cloud.route(o, 'GET', /^\/?$/, () => ({ status: 200, body: { versions: [{ id: 'v2.0', status: 'CURRENT', links: [] }] } }), false);
  const collections: [string, string, () => Wire[]][] = [
    ['networks', 'networks', () => cloud.networks],
    ['subnets', 'subnets', () => cloud.subnets],
    ['ports', 'ports', () => cloud.ports],
    ['security-groups', 'security_groups', () => cloud.securityGroups],
  ];
  for (const [path, key, items] of collections) {
    cloud.route(o, 'GET', new RegExp(`^/v2\\.0/${path}$`), (req) => {
      const t = cloud.validToken(req)!;
      const filters = ['project_id', 'network_id', 'device_id', 'name'].filter((f) => req.query.has(f));
      const visible = items().filter(
        (x) => (isAdmin(t) || x.project_id === projectOf(t) || x.shared === true) && filters.every((f) => x[f] === req.query.get(f)),
      );
      // Neutron pages only when asked to (limit), and names the page's neighbours.
      const p = req.query.has('limit') ? paginate(visible, req, { max: 100_000 }) : { page: visible, next: undefined };
      return linked(req, key, p);
    });
    cloud.route(o, 'GET', new RegExp(`^/v2\\.0/${path}/${ID}$`), (_req, m) => {
      const item = items().find((x) => x.id === m[1]);
      const singular = key.replace(/s$/, '');
      return item ? { status: 200, body: { [singular]: strip(item) } } : { status: 404, body: { NeutronError: { type: 'NotFound', message: `${singular} ${m[1]} could not be found.`, detail: '' } } };
    });
  }
}

export function serviceRoutes(cloud: MockCloud): void {
  writeRoutes(cloud);
  novaRoutes(cloud);
  cinderRoutes(cloud);
  glanceRoutes(cloud);
  neutronRoutes(cloud);
  limitRoutes(cloud);
}
