// The OpenStack SDK (electron/openstack) against the lab's real Keystone, Nova, Cinder, Glance and
// Neutron: what it lists is compared with what the APIs answer to plain fetch calls
// (support/cloud.ts), and with what e2e/lab/seed promised (seed.json).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../../../electron/openstack/index';
import { loadCloud, Session, type CloudConfig } from './support/cloud';
import { labHome, until } from './support/lab';

interface SeedUser {
  name: string;
  domain: string;
  password?: string;
  defaultProject?: string;
}
interface SeedServer {
  name: string;
  project: string;
  host: string;
  flavor: string;
  keypair?: string;
  metadata?: Record<string, string>;
  tags?: string[];
  volumes?: string[];
}
interface Seed {
  domains: { name: string }[];
  projects: { name: string; domain: string }[];
  users: SeedUser[];
  flavors: { name: string; extraSpecs?: Record<string, string> }[];
  keypairs: { name: string; project: string }[];
  images: { name: string }[];
  volumes: { name: string; project: string; history?: ({ snapshot: string } | { write: number[] })[] }[];
  servers: SeedServer[];
  networks: { name: string }[];
}
type Raw = Record<string, unknown>;

const seed = JSON.parse(readFileSync(process.env.BACKSTACK_TEST_SEED ?? join(labHome, 'seed.json'), 'utf8')) as Seed;
const cloud = loadCloud();
const NOVA = '2.79'; // the oracle's microversion: tags, embedded flavor, delete_on_termination

let oracle: Session;
let admin: sdk.ProviderClient;
const events: sdk.HttpEvent[] = [];
const clients: sdk.ProviderClient[] = [];

function passwordOf(c: CloudConfig): sdk.Credentials {
  return { kind: 'password', username: c.username, password: c.password, ...(c.userDomain.id ? { userDomainId: c.userDomain.id } : { userDomainName: c.userDomain.name ?? 'Default' }) };
}

function provider(overrides: Partial<sdk.ProviderClientOptions> = {}): sdk.ProviderClient {
  const p = new sdk.ProviderClient({
    authUrl: cloud.authUrl,
    region: cloud.region,
    interface: cloud.interface as sdk.EndpointInterface,
    credentials: passwordOf(cloud),
    scope: cloud.project.id
      ? { kind: 'project', id: cloud.project.id }
      : { kind: 'project', name: cloud.project.name!, domainName: cloud.project.domainName ?? 'Default' },
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  clients.push(p);
  return p;
}

function seedUser(name: string): sdk.Credentials {
  const u = seed.users.find((x) => x.name === name);
  if (!u?.password) throw new Error(`seed.json has no password for ${name}`);
  return { kind: 'password', username: u.name, password: u.password, userDomainName: u.domain };
}

const sorted = <T>(xs: T[]): T[] => [...xs].sort();
const ids = (xs: { id: string }[]): string[] => sorted(xs.map((x) => x.id));

beforeAll(async () => {
  oracle = await Session.login(cloud);
  admin = provider();
  // The seed may still be settling right after an up: wait for every seeded server to exist at rest.
  await until(
    'seeded servers at rest',
    async () => {
      const { servers } = await oracle.request<{ servers: Raw[] }>('compute', '/servers/detail?all_tenants=1', { microversion: NOVA });
      return seed.servers.every((s) => servers.some((x) => x.name === s.name && ['ACTIVE', 'SHUTOFF'].includes(String(x.status)) && !x['OS-EXT-STS:task_state']));
    },
    { timeoutMs: 600_000, intervalMs: 5_000 },
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe('services and microversions', () => {
  it('finds every service in the catalog and negotiates from the real version documents', async () => {
    const probes = await sdk.probeServices(admin);
    expect(probes.filter((p) => p.error)).toEqual([]);
    const byType = Object.fromEntries(probes.map((p) => [p.type, p]));
    expect(sdk.compareVersions(byType.compute!.maxMicroversion!, '2.79')).toBeGreaterThanOrEqual(0);
    expect(sdk.compareVersions(byType['block-storage']!.maxMicroversion!, '3.63')).toBeGreaterThanOrEqual(0);
    expect(byType.image!.versionId).toMatch(/^v2\./);
    expect(byType.network!.versionId).toBe('v2.0');
    expect(byType.identity!.versionId).toMatch(/^v3/);
    const compute = await admin.compute();
    expect(await compute.supports('compute.serverTags')).toBe(true);
    expect(await compute.supports('compute.embeddedFlavor')).toBe(true);
  });
});

describe('inventory as an admin, compared with the APIs', () => {
  it('servers: every project’s, with host, instance name, flavor, key pair, tags, metadata, volumes', async () => {
    const mine = await sdk.listServers(await admin.compute(), { allTenants: true }).all();
    const { servers } = await oracle.request<{ servers: Raw[] }>('compute', '/servers/detail?all_tenants=1', { microversion: NOVA });
    expect(ids(mine)).toEqual(ids(servers as { id: string }[]));
    for (const raw of servers) {
      const s = mine.find((x) => x.id === raw.id)!;
      expect(s.name).toBe(raw.name);
      expect(s.projectId).toBe(raw.tenant_id);
      expect(s.host).toBe(raw['OS-EXT-SRV-ATTR:host']);
      expect(s.instanceName).toBe(raw['OS-EXT-SRV-ATTR:instance_name']);
      expect(s.keyName).toBe(raw.key_name ?? undefined);
      expect(s.flavor.name).toBe((raw.flavor as Raw).original_name);
      expect(sorted(s.tags ?? [])).toEqual(sorted(raw.tags as string[]));
      expect(s.metadata).toEqual(raw.metadata);
      expect(sorted(s.attachedVolumes.map((v) => v.id))).toEqual(sorted((raw['os-extended-volumes:volumes_attached'] as { id: string }[]).map((v) => v.id)));
      expect(s.bootFromVolume).toBe(raw.image === '');
    }
    for (const want of seed.servers) {
      const s = mine.find((x) => x.name === want.name);
      expect(s, want.name).toBeDefined();
      expect(s!.host, want.name).toBe(want.host);
      expect(s!.flavor.name).toBe(want.flavor);
      if (want.keypair) expect(s!.keyName).toBe(want.keypair);
      if (want.tags) expect(sorted(s!.tags!)).toEqual(sorted(want.tags));
      if (want.metadata) expect(s!.metadata).toMatchObject(want.metadata);
      expect(s!.attachedVolumes.length).toBeGreaterThanOrEqual(want.volumes?.length ?? 0);
    }
  });

  it('volumes and snapshots: every project’s, with attachments and backend', async () => {
    const bs = await admin.blockStorage();
    const volumes = await sdk.listVolumes(bs, { allTenants: true }).all();
    const raw = (await oracle.request<{ volumes: Raw[] }>('volumev3', '/volumes/detail?all_tenants=1')).volumes;
    expect(ids(volumes)).toEqual(ids(raw as { id: string }[]));
    for (const r of raw) {
      const v = volumes.find((x) => x.id === r.id)!;
      expect([v.name, v.sizeGiB, v.projectId, v.host]).toEqual([r.name, r.size, r['os-vol-tenant-attr:tenant_id'], r['os-vol-host-attr:host']]);
      expect(sorted(v.attachments.map((a) => a.serverId!))).toEqual(sorted((r.attachments as { server_id: string }[]).map((a) => a.server_id)));
      expect(v.backendName).toBeTruthy();
    }
    for (const want of seed.volumes) expect(volumes.map((v) => v.name), want.name).toContain(want.name);

    const snaps = await sdk.listSnapshots(bs, { allTenants: true }).all();
    const rawSnaps = (await oracle.request<{ snapshots: Raw[] }>('volumev3', '/snapshots/detail?all_tenants=1')).snapshots;
    expect(ids(snaps)).toEqual(ids(rawSnaps as { id: string }[]));
    const seededSnaps = seed.volumes.flatMap((v) => (v.history ?? []).flatMap((h) => ('snapshot' in h ? [h.snapshot] : [])));
    for (const name of seededSnaps) expect(snaps.map((s) => s.name)).toContain(name);
  });

  it('flavors with extra specs, volume types with backends, images', async () => {
    const flavors = await sdk.listFlavorsWithExtraSpecs(await admin.compute(), { includePrivate: true });
    const rawFlavors = (await oracle.request<{ flavors: Raw[] }>('compute', '/flavors/detail?is_public=None', { microversion: '2.61' })).flavors;
    expect(ids(flavors)).toEqual(ids(rawFlavors as { id: string }[]));
    for (const r of rawFlavors) expect(flavors.find((f) => f.id === r.id)!.extraSpecs).toEqual(r.extra_specs);
    for (const want of seed.flavors) {
      const f = flavors.find((x) => x.name === want.name);
      expect(f, want.name).toBeDefined();
      if (want.extraSpecs) expect(f!.extraSpecs).toMatchObject(want.extraSpecs);
    }

    const types = await sdk.listVolumeTypes(await admin.blockStorage(), { includePrivate: true }).all();
    const rawTypes = (await oracle.request<{ volume_types: Raw[] }>('volumev3', '/types?is_public=None')).volume_types;
    expect(ids(types)).toEqual(ids(rawTypes as { id: string }[]));
    expect(types.find((t) => t.name === 'ceph-rbd')?.backendName).toBe('ceph');

    const images = await sdk.listImages(await admin.image(), { limit: 2 }).all(); // small pages: exercise Glance's next links
    const rawImages = (await oracle.request<{ images: Raw[] }>('image', '/v2/images?limit=1000')).images;
    expect(ids(images)).toEqual(ids(rawImages as { id: string }[]));
    for (const want of seed.images) expect(images.map((i) => i.name)).toContain(want.name);
  });

  it('key pairs of every user (admin, microversion ≥ 2.10)', async () => {
    const compute = await admin.compute();
    const users = (await oracle.request<{ users: { id: string; name: string }[] }>('identity', '/users')).users;
    const found: string[] = [];
    for (const u of users) {
      const mine = await sdk.listKeypairs(compute, { userId: u.id }).all();
      const raw = (await oracle.request<{ keypairs: { keypair: { name: string } }[] }>('compute', `/os-keypairs?user_id=${u.id}`, { microversion: '2.10' })).keypairs;
      expect(sorted(mine.map((k) => k.name)), u.name).toEqual(sorted(raw.map((k) => k.keypair.name)));
      found.push(...mine.map((k) => k.name));
    }
    for (const want of seed.keypairs) expect(found).toContain(want.name);
  });

  it('networks, subnets, ports, security groups, hypervisors and availability zones', async () => {
    const net = await admin.network();
    const pairs: [string, () => Promise<{ id: string }[]>][] = [
      ['networks', () => sdk.listNetworks(net, { limit: 2 }).all()],
      ['subnets', () => sdk.listSubnets(net).all()],
      ['ports', () => sdk.listPorts(net).all()],
      ['security-groups', () => sdk.listSecurityGroups(net).all()],
    ];
    for (const [path, list] of pairs) {
      const raw = await oracle.request<Record<string, { id: string }[]>>('network', `/v2.0/${path}`);
      expect(ids(await list()), path).toEqual(ids(raw[path.replace('-', '_')]!));
    }
    for (const want of seed.networks) expect((await sdk.listNetworks(net).all()).map((n) => n.name)).toContain(want.name);

    const compute = await admin.compute();
    const hvs = await sdk.listHypervisors(compute).all();
    const rawHvs = (await oracle.request<{ hypervisors: { id: string }[] }>('compute', '/os-hypervisors/detail', { microversion: '2.53' })).hypervisors;
    expect(ids(hvs)).toEqual(ids(rawHvs));
    const servers = await sdk.listServers(compute, { allTenants: true }).all();
    for (const s of servers) expect(hvs.map((h) => h.serviceHost), s.name).toContain(s.host);
    const zones = await sdk.listComputeAvailabilityZones(compute);
    for (const s of servers) expect(zones.map((z) => z.name)).toContain(s.availabilityZone);
  });

  it('domains and projects', async () => {
    const identity = await admin.identity();
    const domains = await sdk.listDomains(identity).all();
    for (const d of seed.domains) expect(domains.map((x) => x.name)).toContain(d.name);
    const projects = await sdk.listProjects(identity).all();
    const raw = (await oracle.request<{ projects: { id: string; is_domain?: boolean }[] }>('identity', '/projects')).projects.filter((p) => !p.is_domain);
    expect(ids(projects)).toEqual(ids(raw));
  });
});

describe('unscoped and scoped access across domains', () => {
  it('an unscoped admin reaches both domains and, project by project, every seeded server and volume', async () => {
    const root = provider({ scope: { kind: 'unscoped' } });
    expect((await root.authenticate()).scope).toEqual({ kind: 'unscoped' });
    const projects = await sdk.listAuthProjects(await root.identity()).all();
    const domains = await sdk.listDomains(await admin.identity()).all();
    const reached = new Set(projects.map((p) => domains.find((d) => d.id === p.domainId)?.name));
    for (const d of seed.domains) expect(reached).toContain(d.name);

    const serverNames: string[] = [];
    const volumeNames: string[] = [];
    for (const p of projects) {
      const scoped = root.withScope({ kind: 'project', id: p.id });
      serverNames.push(...(await sdk.listServers(await scoped.compute()).all()).map((s) => s.name));
      volumeNames.push(...(await sdk.listVolumes(await scoped.blockStorage()).all()).map((v) => v.name));
    }
    for (const s of seed.servers) expect(serverNames).toContain(s.name);
    for (const v of seed.volumes) expect(volumeNames).toContain(v.name);
  });

  it('a user without a default project gets an unscoped token and sees only its own domain', async () => {
    const root = provider({ credentials: seedUser('acme-user'), scope: { kind: 'default' } });
    expect((await root.authenticate()).scope).toEqual({ kind: 'unscoped' });
    const projects = await sdk.listAuthProjects(await root.identity()).all();
    expect(sorted(projects.map((p) => p.name))).toEqual(sorted(seed.projects.filter((p) => p.domain === 'acme').map((p) => p.name)));
    const prod = projects.find((p) => p.name === 'acme-prod')!;
    const servers = await sdk.listServers(await root.withScope({ kind: 'project', id: prod.id }).compute()).all();
    expect(sorted(servers.map((s) => s.name))).toEqual(sorted(seed.servers.filter((s) => s.project === 'acme-prod').map((s) => s.name)));
  });

  it('a domain-scoped token lists its domain’s projects', async () => {
    const p = provider({ credentials: seedUser('acme-admin'), scope: { kind: 'domain', name: 'acme' } });
    const info = await p.authenticate();
    expect(info.scope).toMatchObject({ kind: 'domain', name: 'acme' });
    if (info.scope.kind !== 'domain') throw new Error('not domain scoped');
    const projects = await sdk.listProjects(await p.identity(), { domainId: info.scope.id }).all();
    expect(sorted(projects.map((x) => x.name))).toEqual(sorted(seed.projects.filter((x) => x.domain === 'acme').map((x) => x.name)));
  });
});

describe('failures explained', () => {
  it('wrong password', async () => {
    const p = provider({ credentials: { ...passwordOf(cloud), password: 'not-the-password' } as sdk.Credentials });
    const err = (await p.authenticate().catch((e: unknown) => e)) as sdk.AuthenticationError;
    expect(err).toBeInstanceOf(sdk.AuthenticationError);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain(`Keystone rejected the credentials for user "${cloud.username}" in domain "${cloud.userDomain.name}"`);
    expect(err.requestId).toMatch(/^req-/);
    expect(err.message).not.toContain('not-the-password');
  });

  it('unreachable Keystone', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const err = (await provider({ authUrl: `http://127.0.0.1:${port}/v3` }).authenticate().catch((e: unknown) => e)) as sdk.UnreachableError;
    expect(err).toBeInstanceOf(sdk.UnreachableError);
    expect(err.message).toBe(
      `Cannot reach http://127.0.0.1:${port}/v3/auth/tokens (connection refused: nothing listens on 127.0.0.1:${port}). Check the URL and that this machine can reach the host (network, proxy, firewall).`,
    );
  });

  it('a member asking for every project’s servers is told about the missing role', async () => {
    const p = provider({ credentials: seedUser('demo'), scope: { kind: 'default' } });
    const err = (await sdk.listServers(await p.compute(), { allTenants: true }).all().catch((e: unknown) => e)) as sdk.ForbiddenError;
    expect(err).toBeInstanceOf(sdk.ForbiddenError);
    expect(err.status).toBe(403);
    expect(err.service).toBe('Nova (compute)');
    expect(err.message).toMatch(/refused GET .*all_tenants=1 \(HTTP 403\).*lacks a role/);
  });
});

describe('tokens', () => {
  it('a revoked token is renewed without the caller noticing', async () => {
    const p = provider();
    const compute = await p.compute();
    const bs = await p.blockStorage();
    const servers = await sdk.listServers(compute, { allTenants: true }).all();
    const old = await p.token();
    const url = `${oracle.endpoint('identity')}/auth/tokens`;
    const revoke = await fetch(url, { method: 'DELETE', headers: { 'x-auth-token': oracle.token, 'x-subject-token': old.secret() } });
    expect(revoke.status).toBe(204);
    const check = await fetch(url, { headers: { 'x-auth-token': oracle.token, 'x-subject-token': old.secret() } });
    expect(check.status).toBe(404); // Keystone no longer knows it
    events.length = 0;
    // Cinder has not seen this token yet, so it asks Keystone and answers 401 (Nova may still
    // accept it from its token cache for a few minutes, which is why Nova is not the witness here).
    const volumes = await sdk.listVolumes(bs, { allTenants: true }).all();
    const rawVolumes = (await oracle.request<{ volumes: { id: string }[] }>('volumev3', '/volumes/detail?all_tenants=1')).volumes;
    expect(ids(volumes)).toEqual(ids(rawVolumes));
    expect(events.filter((e) => e.kind === 'reauth')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'response' && e.status === 401)).toHaveLength(1);
    const renewed = await p.token();
    expect(renewed).not.toBe(old);
    expect(ids(await sdk.listServers(compute, { allTenants: true }).all())).toEqual(ids(servers));
  });

  it('a token about to expire is replaced before it is used', async () => {
    let skew = 0;
    const p = provider({ clock: { now: () => Date.now() + skew, sleep: sdk.systemClock.sleep } });
    const first = await p.token();
    skew = first.expiresAtMs - Date.now() - 60_000; // one minute before expiry, inside the refresh margin
    const second = await p.token();
    expect(second).not.toBe(first);
    expect(second.info.userName).toBe(cloud.username);
    expect(await sdk.listServers(await p.compute(), { allTenants: true }).all()).not.toHaveLength(0);
  });
});

describe('certificate trust', () => {
  const tlsCloud = (() => {
    try {
      return loadCloud('lab-admin-tls');
    } catch {
      return undefined;
    }
  })();

  it.runIf(cloud.isLab)('the lab’s HTTPS Keystone: untrusted at first, trusted when pinned or with its CA file', async () => {
    expect(tlsCloud?.cacert, 'lab-admin-tls in clouds.yaml').toBeDefined();
    const url = tlsCloud!.authUrl;
    const expected = new X509Certificate(readFileSync(tlsCloud!.cacert!)).fingerprint256;
    const seen = await sdk.inspectCertificate(url);
    expect(seen.fingerprint256).toBe(expected);
    expect(seen.trusted).toBe(false);

    const untrusted = (await provider({ authUrl: url }).authenticate().catch((e: unknown) => e)) as sdk.TlsUntrustedError;
    expect(untrusted).toBeInstanceOf(sdk.TlsUntrustedError);
    expect(untrusted.certificate?.fingerprint256).toBe(expected);

    const pinned = provider({ authUrl: url, tls: { pins: { [sdk.pinKey(url)]: seen.fingerprint256 } } });
    expect((await pinned.authenticate()).userName).toBe(cloud.username);
    expect(await sdk.listServers(await pinned.compute(), { allTenants: true }).all()).not.toHaveLength(0);
    expect((await provider({ authUrl: url, tls: { caFile: tlsCloud!.cacert! } }).authenticate()).userName).toBe(cloud.username);

    const other = '00:'.repeat(31) + '00';
    const changed = (await provider({ authUrl: url, tls: { pins: { [sdk.pinKey(url)]: other } } }).authenticate().catch((e: unknown) => e)) as sdk.TlsCertificateChangedError;
    expect(changed).toBeInstanceOf(sdk.TlsCertificateChangedError);
    expect(changed.certificate.fingerprint256).toBe(expected);
  });

  it('a Keystone whose certificate changes after it was pinned is refused', async () => {
    // Our own TLS front for the lab's Keystone, so its certificate can change without touching the lab.
    const dir = mkdtempSync(join(tmpdir(), 'backstack-sdk-lab-'));
    const cert = (name: string) => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=keystone-${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
      return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.crt`)) };
    };
    const target = new URL(cloud.authUrl);
    const front: HttpsServer = createServer(cert('first'), (req, res) => {
      const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `https://127.0.0.1:${(front.address() as AddressInfo).port}/v3`;
      const first = await sdk.inspectCertificate(url);
      const pins = { [sdk.pinKey(url)]: first.fingerprint256 };
      expect((await provider({ authUrl: url, tls: { pins } }).authenticate()).userName).toBe(cloud.username);
      front.setSecureContext(cert('second'));
      const err = (await provider({ authUrl: url, tls: { pins } }).authenticate().catch((e: unknown) => e)) as sdk.TlsCertificateChangedError;
      expect(err).toBeInstanceOf(sdk.TlsCertificateChangedError);
      expect(err.pinnedFingerprint256).toBe(first.fingerprint256);
      expect(err.certificate.subject).toContain('CN=keystone-second');
    } finally {
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('write calls and waitFor', () => {
  it('creates a volume and a snapshot, waits for them, deletes both', async () => {
    const bs = await admin.blockStorage();
    const name = `sdk-lab-${Date.now().toString(36)}`;
    const volume = await sdk.createVolume(bs, { sizeGiB: 1, name, volumeType: 'ceph-rbd' });
    let snapshotId: string | undefined;
    try {
      const states: string[] = [];
      const ready = await sdk.waitForVolumeStatus(bs, volume.id, 'available', { timeoutMs: 180_000, intervalMs: 500, onProgress: (v) => states.push(v.status) });
      expect(ready.backendName).toBe('ceph');
      expect(states.at(-1)).toBe('available');
      const raw = (await oracle.request<{ volume: Raw }>('volumev3', `/volumes/${volume.id}`)).volume;
      expect(raw.status).toBe('available');
      const snap = await sdk.createSnapshot(bs, { volumeId: volume.id, name: `${name}-snap` });
      snapshotId = snap.id;
      expect((await sdk.waitForSnapshotStatus(bs, snap.id, 'available', { timeoutMs: 180_000, intervalMs: 500 })).volumeId).toBe(volume.id);
      await sdk.deleteSnapshot(bs, snap.id);
      expect(await sdk.waitForSnapshotDeleted(bs, snap.id, { timeoutMs: 180_000, intervalMs: 500 })).toBeNull();
      snapshotId = undefined;
    } finally {
      if (snapshotId) await sdk.deleteSnapshot(bs, snapshotId).catch(() => undefined);
      await sdk.waitForSnapshotDeleted(bs, snapshotId ?? 'none', { timeoutMs: 180_000, intervalMs: 500 }).catch(() => undefined);
      await sdk.deleteVolume(bs, volume.id);
      expect(await sdk.waitForVolumeDeleted(bs, volume.id, { timeoutMs: 180_000, intervalMs: 500 })).toBeNull();
    }
  });
});
