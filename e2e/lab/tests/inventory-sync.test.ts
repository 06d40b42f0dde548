// Providers and inventory sync (issue 4) through the core's contract, against the lab's real
// Keystone, Nova, Cinder, Glance and Neutron. What Backstack stores is compared with what the
// APIs answer to plain requests (support/cloud.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderInput } from '../../../shared/domain/providers';
import { createCore, type Core } from '../../../electron/core/create-core';
import { createLogger } from '../../../electron/lib/logger';
import { keyFileProtector } from '../../../electron/lib/secret-box';
import { loadCloud, Session, type CloudConfig } from './support/cloud';
import { labHome, seedManifest, until } from './support/lab';

let cloud: CloudConfig;
let api: Session;
let home: string;
let core: Core;

const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

const adminInput = (name: string, extra: Partial<ProviderInput> = {}): ProviderInput => ({
  name,
  authUrl: cloud.authUrl,
  ...(cloud.region ? { region: cloud.region } : {}),
  endpointInterface: cloud.interface as ProviderInput['endpointInterface'],
  authDomains: [
    {
      name: cloud.userDomain.name ?? 'Default',
      userName: cloud.username,
      password: cloud.password,
      ...(cloud.project.name ? { defaultProject: cloud.project.name } : {}),
    },
  ],
  ...extra,
});

async function sync(providerId: string) {
  const { jobId } = unwrap(await core.api.invoke('inventory.startSync', { providerId }));
  await core.jobs.whenIdle();
  return core.jobs.get(jobId);
}

const names = (xs: { name: string }[]) => xs.map((x) => x.name).sort();

beforeAll(async () => {
  cloud = loadCloud();
  api = await Session.login(cloud);
  home = mkdtempSync(join(tmpdir(), 'backstack-lab-inventory-'));
  core = createCore({ dataDir: home, runtime: 'cli', version: 'lab', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home) });
});
afterAll(async () => {
  await core?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('unscoped sync of the whole cloud', () => {
  let providerId: string;

  it('adds the cloud after a connection test that lists each service with its microversion', async () => {
    const test = unwrap(await core.api.invoke('providers.test', { provider: adminInput('lab') }));
    expect(test.ok).toBe(true);
    const compute = test.services.find((s) => s.type === 'compute');
    expect(compute?.maxMicroversion).toMatch(/^2\.\d+$/);
    expect(test.services.map((s) => s.type).sort()).toEqual(['block-storage', 'compute', 'identity', 'image', 'network']);
    providerId = unwrap(await core.api.invoke('providers.add', { provider: adminInput('lab') })).id;
    // The password is stored, sealed, and never returned.
    expect(JSON.stringify(unwrap(await core.api.invoke('providers.list', {})))).not.toContain(cloud.password);
  });

  it('sees both domains and every server, volume, image, flavor, key pair and tag the APIs list', async () => {
    // Others create and delete servers and volumes meanwhile (other admins, other test runs): what
    // existed before and after the sync must be in the inventory, and nothing that existed at neither.
    const listServers = async () =>
      (await api.request<{ servers: { id: string; name: string; tags: string[] }[] }>('compute', '/servers/detail?all_tenants=1', { microversion: '2.26' })).servers;
    const listVolumes = async () => (await api.request<{ volumes: { id: string; name: string }[] }>('volumev3', '/volumes/detail?all_tenants=1')).volumes;
    const [serversBefore, volumesBefore] = await Promise.all([listServers(), listVolumes()]);
    expect((await sync(providerId)).state).toBe('succeeded');
    const [serversAfter, volumesAfter] = await Promise.all([listServers(), listVolumes()]);
    const stable = <T extends { id: string }>(a: T[], b: T[]) => a.filter((x) => b.some((y) => y.id === x.id));
    const ever = (a: { id: string }[], b: { id: string }[]) => new Set([...a, ...b].map((x) => x.id));
    const servers = stable(serversAfter, serversBefore);
    const instances = unwrap(await core.api.invoke('inventory.listInstances', { providerId })).items;
    expect(names(instances.filter((i) => servers.some((s) => s.id === i.id)))).toEqual(names(servers));
    expect(instances.filter((i) => !ever(serversBefore, serversAfter).has(i.id))).toEqual([]);
    for (const s of servers) expect(instances.find((i) => i.id === s.id)?.tags.sort(), s.name).toEqual([...s.tags].sort());
    for (const seeded of seedManifest().servers) expect(instances.map((i) => i.name)).toContain(seeded.name);

    const list = async (kind: 'domain' | 'volume' | 'image' | 'flavor' | 'keypair') =>
      unwrap(await core.api.invoke('inventory.listResources', { providerId, kind })).items;
    const domains = (await api.request<{ domains: { name: string }[] }>('identity', '/domains')).domains;
    expect(names(await list('domain'))).toEqual(names(domains));
    expect(names(await list('domain'))).toEqual(expect.arrayContaining(['Default', 'acme']));
    const listed = (await list('volume')).map((v) => v.id);
    expect(listed).toEqual(expect.arrayContaining(stable(volumesAfter, volumesBefore).map((v) => v.id)));
    expect(listed.filter((id) => !ever(volumesBefore, volumesAfter).has(id))).toEqual([]);
    const images = (await api.request<{ images: { id: string }[] }>('image', '/v2/images?limit=1000')).images;
    expect((await list('image')).map((i) => i.id).sort()).toEqual(images.map((i) => i.id).sort());
    const flavors = (await api.request<{ flavors: { name: string }[] }>('compute', '/flavors/detail?is_public=None')).flavors;
    expect(names(await list('flavor'))).toEqual(names(flavors));
    const keypairs = (await api.request<{ keypairs: { keypair: { name: string } }[] }>('compute', '/os-keypairs')).keypairs.map((k) => k.keypair);
    expect(names(await list('keypair'))).toEqual(names(keypairs));
  });

  it('knows where each server runs and which disks it has', async () => {
    const instances = unwrap(await core.api.invoke('inventory.listInstances', { providerId })).items;
    for (const seeded of seedManifest().servers) {
      const row = instances.find((x) => x.name === seeded.name)!;
      const i = unwrap(await core.api.invoke('inventory.getInstance', { providerId, id: row.id }));
      expect(i.host, seeded.name).toBe(seeded.host);
      expect(i.instanceName, seeded.name).toMatch(/^instance-/);
      expect(i.bootSource.kind, seeded.name).toBe(seeded.kind === 'boot-from-volume' ? 'volume' : 'image');
      for (const v of i.volumes) expect(v.backend, `${seeded.name} ${v.id}`).not.toBeNull();
    }
    const hypervisors = unwrap(await core.api.invoke('hypervisors.list', { providerId })).items;
    const hosts = new Set(seedManifest().servers.map((s) => s.host));
    for (const h of hosts) expect(hypervisors.map((x) => x.data.serviceHost)).toContain(h);
  });

  it('marks what disappeared as vanished on the next sync instead of dropping it', async () => {
    const vol = (
      await api.request<{ volume: { id: string } }>('volumev3', '/volumes', {
        method: 'POST',
        body: { volume: { size: 1, name: 'backstack-vanishing' } },
        expect: [202],
      })
    ).volume;
    expect((await sync(providerId)).state).toBe('succeeded');
    expect(unwrap(await core.api.invoke('inventory.listResources', { providerId, kind: 'volume' })).items.map((v) => v.id)).toContain(vol.id);
    await until('the volume to be available', async () => (await api.request<{ volume: { status: string } }>('volumev3', `/volumes/${vol.id}`)).volume.status === 'available');
    await api.request('volumev3', `/volumes/${vol.id}`, { method: 'DELETE', expect: [202] });
    await until('the volume to be deleted', async () => {
      try {
        await api.request('volumev3', `/volumes/${vol.id}`);
        return false;
      } catch {
        return true;
      }
    });
    expect((await sync(providerId)).state).toBe('succeeded');
    // Gone from what is live, kept (marked, with the time it was found gone) for its history and backups.
    expect(unwrap(await core.api.invoke('inventory.listResources', { providerId, kind: 'volume' })).items.map((v) => v.id)).not.toContain(vol.id);
    const kept = unwrap(await core.api.invoke('inventory.listResources', { providerId, kind: 'volume', includeVanished: true })).items.find((v) => v.id === vol.id);
    expect(kept?.name).toBe('backstack-vanishing');
    expect(Date.parse(kept?.vanishedAt ?? '')).toBeGreaterThan(Date.now() - 10 * 60_000);
    // What still exists is not marked.
    const live = unwrap(await core.api.invoke('inventory.listResources', { providerId, kind: 'volume', includeVanished: true })).items.filter((v) => v.id !== vol.id);
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((v) => v.vanishedAt === null)).toBe(true);
  });
});

describe('domain-scoped sync', () => {
  it('sees only the domain it is scoped to', async () => {
    const user = (seedManifest().users as { name: string; password?: string }[]).find((u) => u.name === 'acme-admin');
    if (!cloud.isLab || !user?.password) return expect(cloud.isLab).toBe(false);
    // A second installation: one provider per Keystone and region in each.
    const home2 = mkdtempSync(join(tmpdir(), 'backstack-lab-scoped-'));
    const core2 = createCore({
      dataDir: home2,
      runtime: 'cli',
      version: 'lab',
      logger: createLogger(() => undefined),
      keyProtector: keyFileProtector(home2),
    });
    try {
      const p = unwrap(
        await core2.api.invoke('providers.add', {
          provider: adminInput('acme-only', {
            scoped: true,
            authDomains: [{ name: 'acme', userName: 'acme-admin', password: user.password, defaultProject: 'acme-prod' }],
          }),
        }),
      );
      const { jobId } = unwrap(await core2.api.invoke('inventory.startSync', { providerId: p.id }));
      await core2.jobs.whenIdle();
      expect(core2.jobs.get(jobId).state).toBe('succeeded');
      const domains = unwrap(await core2.api.invoke('inventory.listResources', { providerId: p.id, kind: 'domain' })).items;
      expect(names(domains)).toEqual(['acme']);
      const instances = unwrap(await core2.api.invoke('inventory.listInstances', { providerId: p.id })).items;
      const acmeServers = seedManifest()
        .servers.filter((s) => s.project.startsWith('acme'))
        .map((s) => s.name);
      expect(names(instances)).toEqual(expect.arrayContaining(acmeServers));
      expect(instances.every((i) => i.projectName?.startsWith('acme'))).toBe(true);
    } finally {
      await core2.close();
      rmSync(home2, { recursive: true, force: true });
    }
  });
});

describe('failures a user can meet', () => {
  it('a wrong password is named as such', async () => {
    const t = unwrap(
      await core.api.invoke('providers.test', {
        provider: adminInput('x', { authDomains: [{ name: 'Default', userName: cloud.username, password: 'not-the-password' }] }),
      }),
    );
    expect(t.ok).toBe(false);
    expect(t.authDomains[0]?.message).toMatch(/rejected the credentials/);
  });

  it('an unreachable Keystone is named as such', async () => {
    const t = unwrap(await core.api.invoke('providers.test', { provider: adminInput('x', { authUrl: 'http://127.0.0.1:5999/v3' }) }));
    expect(t.ok).toBe(false);
    expect(`${t.error?.message} ${t.authDomains[0]?.message}`).toMatch(/Cannot reach .*5999|connection refused/i);
  });
});

describe('a self-signed HTTPS Keystone', () => {
  it('is trusted on first use after the user accepts its fingerprint, and refused once it changes', async () => {
    if (!cloud.isLab) return expect(cloud.isLab).toBe(false);
    const tls = loadCloud('lab-admin-tls');
    const input = adminInput('lab-tls', { authUrl: tls.authUrl, trustCertificates: true });
    const first = unwrap(await core.api.invoke('providers.test', { provider: input }));
    expect(first.error?.code).toBe('tls.untrusted');
    expect(first.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const p = unwrap(await core.api.invoke('providers.add', { provider: input, acceptFingerprint: first.certificate!.fingerprint256 }));
    expect(p.pinnedCertificate?.fingerprint256).toBe(first.certificate!.fingerprint256);
    expect(unwrap(await core.api.invoke('providers.retest', { id: p.id })).ok).toBe(true);

    execFileSync(join(labHome, 'tls-cert'), { stdio: 'ignore' });
    const after = unwrap(await core.api.invoke('providers.retest', { id: p.id }));
    expect(after.ok).toBe(false);
    expect(after.error?.code).toBe('tls.certificateChanged');
    expect(after.error?.message).toContain(first.certificate!.fingerprint256);
    const { jobId } = unwrap(await core.api.invoke('inventory.startSync', { providerId: p.id }));
    await core.jobs.whenIdle();
    expect(core.jobs.get(jobId)).toMatchObject({ state: 'failed', error: { code: 'tls.certificateChanged' } });
  });
});
