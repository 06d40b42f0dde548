// The lab is what later tests assume: services answer, the seeded content exists, and every
// server is a real libvirt domain on the hypervisor Nova names, with the disks Nova and Cinder
// report, reachable over SSH; Ceph is reachable from the hypervisors; the proxy VM answers.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCloud, Session } from './support/cloud';
import { seedManifest, until } from './support/lab';
import { COMPUTE_MICROVERSION, bootsFromVolume, parseDomblklist, type Server, type Volume, type VolumeAttachment } from './support/nova';
import { loadHypervisors, loadProxy, onHypervisor, onProxy, type Hypervisor } from './support/ssh';

const cloud = loadCloud();
const seed = seedManifest();
const proxy = loadProxy();
let os: Session;
let hypervisors: Hypervisor[];
let servers: Server[];
let volumes: Volume[];
const projectIds = new Map<string, string>();

const compute = <T>(path: string) => os.request<T>('compute', path, { microversion: COMPUTE_MICROVERSION });
const hostOf = (s: Server) => s['OS-EXT-SRV-ATTR:host'];
const hvOf = (s: Server) => hypervisors.find((h) => h.host === hostOf(s));
const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.filter((x) => x.name === name);
  expect(found, `exactly one "${name}"`).toHaveLength(1);
  return found[0]!;
};
/** servers at rest on one of our hypervisors (not being built, moved or deleted) */
const settled = () => servers.filter((s) => ['ACTIVE', 'SHUTOFF'].includes(s.status) && !s['OS-EXT-STS:task_state'] && hvOf(s));

beforeAll(async () => {
  os = await Session.login(cloud);
  hypervisors = loadHypervisors();
  servers = (await compute<{ servers: Server[] }>('/servers/detail?all_tenants=1')).servers;
  volumes = (await os.request<{ volumes: Volume[] }>('volumev3', '/volumes/detail?all_tenants=1')).volumes;
  const domains = (await os.request<{ domains: { id: string; name: string }[] }>('identity', '/domains')).domains;
  const projects = (await os.request<{ projects: { id: string; name: string; domain_id: string }[] }>('identity', '/projects')).projects;
  for (const p of seed.projects) {
    const domain = domains.find((d) => d.name === p.domain);
    const project = projects.find((x) => x.name === p.name && x.domain_id === domain?.id);
    if (project) projectIds.set(p.name, project.id);
  }
});

describe('services', () => {
  it('Keystone, Nova, Glance, Cinder, Neutron and Placement answer', async () => {
    const ks = (await (await fetch(cloud.authUrl)).json()) as { version: { id: string; status: string } };
    expect(ks.version.id).toMatch(/^v3/);
    await compute('/servers?limit=1');
    await compute('/os-availability-zone');
    await os.request('image', '/v2/images?limit=1');
    await os.request('volumev3', '/volumes?limit=1');
    await os.request('network', '/v2.0/networks?limit=1');
    await os.request('placement', '/resource_providers');
    const services = (await compute<{ services: { binary: string; state: string; host: string }[] }>('/os-services')).services;
    for (const s of services.filter((x) => ['nova-compute', 'nova-conductor', 'nova-scheduler'].includes(x.binary))) {
      expect(s.state, `${s.binary} on ${s.host}`).toBe('up');
    }
    const cinder = (await os.request<{ services: { binary: string; state: string }[] }>('volumev3', '/os-services')).services;
    expect(cinder.filter((s) => s.binary === 'cinder-volume' && s.state === 'up').length).toBeGreaterThan(0);
  });
});

describe('seeded content', () => {
  it('has the domains, projects and users of seed.json', async () => {
    const domains = (await os.request<{ domains: { id: string; name: string }[] }>('identity', '/domains')).domains;
    const projects = (await os.request<{ projects: { id: string; name: string; domain_id: string }[] }>('identity', '/projects')).projects;
    for (const p of seed.projects) {
      const domain = byName(domains, p.domain);
      const project = projects.find((x) => x.name === p.name && x.domain_id === domain.id);
      expect(project, `project ${p.name} in domain ${p.domain}`).toBeDefined();
    }
    for (const u of seed.users) {
      const domain = byName(domains, u.domain);
      const users = (await os.request<{ users: unknown[] }>('identity', `/users?name=${encodeURIComponent(u.name)}&domain_id=${domain.id}`)).users;
      expect(users, `user ${u.name}@${u.domain}`).toHaveLength(1);
    }
  });

  it('has the images of seed.json, active', async () => {
    const images = (await os.request<{ images: { name: string; status: string }[] }>('image', '/v2/images?limit=200')).images;
    for (const i of seed.images) expect(byName(images, i.name).status, i.name).toBe('active');
  });

  it('has the volumes and volume snapshots of seed.json', async () => {
    for (const v of seed.volumes) {
      const vol = byName(volumes, v.name);
      expect(vol.size).toBe(v.size);
      expect(['available', 'in-use']).toContain(vol.status);
      expect(vol['os-vol-tenant-attr:tenant_id']).toBe(projectIds.get(v.project));
    }
    const snaps = (await os.request<{ snapshots: { name: string; status: string }[] }>('volumev3', '/snapshots/detail?all_tenants=1')).snapshots;
    for (const name of seed.volumes.flatMap((v) => (v.history ?? []).flatMap((h) => ('snapshot' in h ? [h.snapshot] : [])))) {
      expect(byName(snaps, name).status).toBe('available');
    }
  });

  it('has every server of seed.json ACTIVE on its host, with the disk layout of its kind', () => {
    for (const want of seed.servers) {
      const s = byName(servers, want.name);
      expect(s.status, want.name).toBe('ACTIVE');
      expect(hostOf(s), want.name).toBe(want.host);
      expect(s.tenant_id).toBe(projectIds.get(want.project));
      expect(bootsFromVolume(s), `${want.name} boots from volume`).toBe(want.kind === 'boot-from-volume');
      const attached = s['os-extended-volumes:volumes_attached'].map((a) => a.id).sort();
      const expected = [...(want.volumes ?? []), ...(want.bootVolume ? [want.bootVolume] : [])].map((n) => byName(volumes, n).id).sort();
      expect(attached, `${want.name} volumes`).toEqual(expected);
      if (want.kind === 'image-raw') expect(hvOf(s)?.imagesType).toBe('raw');
      if (want.kind === 'image-qcow2') expect(hvOf(s)?.imagesType).toBe('qcow2');
    }
    const kinds = new Set(seed.servers.map((x) => x.kind));
    for (const k of ['image-qcow2', 'image-raw', 'boot-from-volume', 'proxy']) expect(kinds).toContain(k);
  });
});

/**
 * The instance files behind the domain's file disks. A backup running at the same time (another
 * test, a developer) may have put an external snapshot on top of a disk: then the Nova file is
 * found in the active layer's backing chain. Re-read while overlays come and go.
 */
function novaFilesOf(hv: Hypervisor, domain: string, dir: string): Promise<string[]> {
  return until(
    `instance files of ${domain}`,
    async () => {
      const disks = parseDomblklist(await onHypervisor(hv, ['virsh', 'domblklist', '--details', domain]));
      const files: string[] = [];
      for (const d of disks.filter((x) => x.type === 'file' && x.device === 'disk')) {
        if (!d.source.startsWith(`${dir}/disk.`) || /^disk\.(eph\d+|swap)$/.test(d.source.slice(dir.length + 1))) {
          files.push(d.source);
          continue;
        }
        const chain = JSON.parse(await onHypervisor(hv, ['qemu-img', 'info', '-U', '--backing-chain', '--output=json', d.source])) as {
          filename: string;
        }[];
        files.push(chain.map((c) => c.filename).find((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes('.')) ?? d.source);
      }
      return files;
    },
    { timeoutMs: 60_000, intervalMs: 2_000 },
  );
}

describe('hypervisors', () => {
  it('are the compute hosts Nova reports, and SSH reaches each one', async () => {
    const hvs = (
      await compute<{ hypervisors: { hypervisor_hostname: string; service: { host: string }; state: string }[] }>('/os-hypervisors/detail')
    ).hypervisors;
    for (const hv of hypervisors) {
      const nova = hvs.find((x) => x.service.host === hv.host);
      expect(nova, `Nova knows compute host ${hv.host}`).toBeDefined();
      expect(nova!.hypervisor_hostname).toBe(hv.hypervisorHostname);
      expect(nova!.state).toBe('up');
      expect((await onHypervisor(hv, ['hostname'])).trim()).toBe(hv.hypervisorHostname);
      expect(await onHypervisor(hv, ['virsh', 'uri'])).toContain('qemu:///system');
      expect(await onHypervisor(hv, ['qemu-img', '--version'])).toMatch(/qemu-img version/);
    }
  });

  it("hold each server's libvirt domain with the disks Nova and Cinder report", async () => {
    expect(settled().length).toBeGreaterThanOrEqual(seed.servers.length);
    for (const s of settled()) {
      const hv = hvOf(s)!;
      const name = s['OS-EXT-SRV-ATTR:instance_name'];
      const what = `${s.name} (${name} on ${hv.host})`;
      const state = (await onHypervisor(hv, ['virsh', 'domstate', name])).trim();
      expect(state, what).toBe(s.status === 'ACTIVE' ? 'running' : 'shut off');
      const disks = parseDomblklist(await onHypervisor(hv, ['virsh', 'domblklist', '--details', name]));

      // Ceph RBD disks = the attached volumes, at the device names Nova and Cinder report
      const atts = (await compute<{ volumeAttachments: VolumeAttachment[] }>(`/servers/${s.id}/os-volume_attachments`)).volumeAttachments;
      const rbd = disks.filter((d) => d.type === 'network');
      expect(rbd.map((d) => d.source).sort(), what).toEqual(atts.map((a) => `volumes/volume-${a.volumeId}`).sort());
      expect(atts.map((a) => a.volumeId).sort()).toEqual(s['os-extended-volumes:volumes_attached'].map((a) => a.id).sort());
      for (const a of atts) {
        const target = a.device.replace('/dev/', '');
        expect(rbd.find((d) => d.source === `volumes/volume-${a.volumeId}`)?.target, what).toBe(target);
        const vol = volumes.find((v) => v.id === a.volumeId);
        expect(vol?.status).toBe('in-use');
        expect(vol?.attachments.find((x) => x.server_id === s.id)?.device).toBe(a.device);
      }

      // local files: root disk (unless boot from volume), ephemeral and swap of the flavor
      const dir = `${hv.instancesPath}/${s.id}`;
      const local = await novaFilesOf(hv, name, dir);
      const expected = [
        ...(bootsFromVolume(s) ? [] : [`${dir}/disk`]),
        ...(s.flavor.ephemeral > 0 ? [`${dir}/disk.eph0`] : []),
        ...(Number(s.flavor.swap) > 0 ? [`${dir}/disk.swap`] : []),
      ];
      expect(local.sort(), what).toEqual(expected.sort());
      for (const d of disks.filter((x) => x.device === 'cdrom')) expect(d.source.startsWith(`${dir}/`), what).toBe(true);
      if (!bootsFromVolume(s)) {
        const chain = JSON.parse(await onHypervisor(hv, ['qemu-img', 'info', '-U', '--backing-chain', '--output=json', `${dir}/disk`])) as {
          filename: string;
          format: string;
        }[];
        if (hv.imagesType === 'qcow2') {
          expect(
            chain.map((c) => c.format),
            what,
          ).toEqual(['qcow2', 'raw']);
          expect(chain[1]!.filename.startsWith(`${hv.instancesPath}/_base/`), what).toBe(true);
        } else {
          expect(
            chain.map((c) => c.format),
            what,
          ).toEqual(['raw']);
        }
      }
    }
  });

  it('reach Ceph with rbd and see the volumes attached there', async () => {
    for (const hv of hypervisors) {
      const images = (await onHypervisor(hv, ['rbd', 'ls', 'volumes'])).split('\n');
      for (const s of settled().filter((x) => hostOf(x) === hv.host)) {
        for (const { id } of s['os-extended-volumes:volumes_attached']) {
          expect(images, `${hv.host} sees volume-${id}`).toContain(`volume-${id}`);
          const info = JSON.parse(await onHypervisor(hv, ['rbd', 'info', '--format', 'json', `volumes/volume-${id}`])) as { size: number };
          expect(info.size).toBe(volumes.find((v) => v.id === id)!.size * 2 ** 30);
        }
      }
    }
  });
});

describe('proxy VM', () => {
  it.runIf(proxy || cloud.isLab)('answers over SSH through its hypervisor', async () => {
    expect(proxy, 'proxy.json (written by e2e/lab/seed)').toBeDefined();
    const s = byName(servers, proxy!.server);
    expect(s.status).toBe('ACTIVE');
    expect(
      Object.values(s.addresses)
        .flat()
        .map((a) => a.addr),
    ).toContain(proxy!.address);
    const jump = hypervisors.find((h) => h.host === proxy!.jumpHost)!;
    // right after an up the guest may still be booting: poll until sshd answers
    const out = await until('ssh to the proxy VM', () => onProxy(proxy!, jump, ['sh', '-c', 'hostname; cat /sys/block/vda/size']), {
      timeoutMs: 180_000,
      intervalMs: 3_000,
    });
    expect(out.split('\n')[0]).toBe(proxy!.server);
  });
});

describe('Keystone over HTTPS', () => {
  it.runIf(cloud.isLab)('presents the lab certificate, which is trusted only when pinned', async () => {
    const tlsCloud = loadCloud('lab-admin-tls');
    const url = new URL(tlsCloud.authUrl);
    const pem = readFileSync(tlsCloud.cacert!, 'utf8');
    const port = Number(url.port);
    const peer = (ca?: string) =>
      new Promise<{ authorized: boolean; error?: string; fingerprint: string }>((resolve, reject) => {
        const sock = connect({ host: url.hostname, port, ca, rejectUnauthorized: false }, () => {
          resolve({ authorized: sock.authorized, error: String(sock.authorizationError), fingerprint: sock.getPeerCertificate().fingerprint256 });
          sock.end();
        });
        sock.on('error', reject);
      });
    const pinned = await peer(pem);
    expect(pinned.authorized).toBe(true);
    expect(pinned.fingerprint).toBe(new X509Certificate(pem).fingerprint256);
    const unpinned = await peer();
    expect(unpinned.authorized).toBe(false);
    expect(unpinned.error).toMatch(/SELF_SIGNED/i);
    const doc = await new Promise<string>((resolve, reject) => {
      get(tlsCloud.authUrl, { ca: pem }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const links = (JSON.parse(doc) as { version: { links: { rel: string; href: string }[] } }).version.links;
    expect(links.find((l) => l.rel === 'self')?.href).toMatch(new RegExp(`^https://${url.host}/v3`));
  });
});
