import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { ResponseFormatError } from './errors';
import { nextLinkOf, Pager, rebase } from './pager';
import { ProviderClient } from './provider-client';
import { listServers } from '../compute/servers';
import { listKeypairs } from '../compute/keypairs';
import { listProjects } from '../identity/projects';
import { listImages } from '../image/images';
import { listNetworks } from '../network/networks';
import { listVolumes } from '../blockstorage/volumes';
import { makeImage, makeServer, standardCloud } from '../testing/fixtures';
import type { MockCloud } from '../testing/mock-cloud';

let cloud: MockCloud;
afterEach(async () => {
  await cloud?.close();
});

const provider = () => new ProviderClient(cloud.providerOptions());

describe('next links in every dialect', () => {
  it('finds {key}_links, links arrays, Keystone links objects and Glance next', () => {
    expect(nextLinkOf({ servers_links: [{ rel: 'next', href: 'a' }] }, 'servers')).toBe('a');
    expect(nextLinkOf({ servers_links: [{ rel: 'previous', href: 'p' }] }, 'servers')).toBeUndefined();
    expect(nextLinkOf({ links: [{ rel: 'next', href: 'b' }] }, 'x')).toBe('b');
    expect(nextLinkOf({ links: { self: 's', next: 'c', previous: null } }, 'projects')).toBe('c');
    expect(nextLinkOf({ links: { self: 's', next: null } }, 'projects')).toBeUndefined();
    expect(nextLinkOf({ images: [], next: '/v2/images?marker=m' }, 'images')).toBe('/v2/images?marker=m');
  });

  it('rebases a link onto our endpoint, keeping only its query', () => {
    expect(rebase('https://api.example.com/compute/v2.1/servers/detail?all_tenants=1', 'http://10.0.0.5:8774/v2.1/servers/detail?all_tenants=1&marker=x&limit=2', 'https://api.example.com/compute/v2.1/')).toBe(
      'https://api.example.com/compute/v2.1/servers/detail?all_tenants=1&marker=x&limit=2',
    );
    expect(rebase('https://img.example.com/image/v2/images?limit=2', '/v2/images?limit=2&marker=m', 'https://img.example.com/image/v2/')).toBe(
      'https://img.example.com/image/v2/images?limit=2&marker=m',
    );
  });
});

describe('Pager against the mock services', () => {
  it('Nova: follows servers_links pointing at an internal host, rebased onto the public endpoint', async () => {
    cloud = standardCloud({ maxPageSize: 2 });
    for (let i = 0; i < 4; i++) cloud.servers.push(makeServer({ id: `s-extra-${i}`, name: `extra-${i}`, projectId: 'p-admin', seq: 10 + i }));
    const pager = listServers(await provider().compute(), { allTenants: true });
    const pages: number[] = [];
    for await (const page of pager.pages()) pages.push(page.length);
    expect(pages).toEqual([2, 2, 2, 1]);
    const calls = cloud.requestsTo(/servers\/detail$/);
    expect(calls.map((c) => c.origin)).toEqual(Array(4).fill('http://nova.test:8774'));
    expect(calls.every((c) => c.query.get('all_tenants') === '1')).toBe(true);
    expect(calls.map((c) => c.query.get('marker'))).toEqual([null, 's-bfv', 's-extra-0', 's-extra-2']);
  });

  it('Cinder: volumes_links with an explicit page size', async () => {
    cloud = standardCloud();
    const volumes = await listVolumes(await provider().blockStorage(), { allTenants: true, limit: 2 }).all();
    expect(volumes.map((v) => v.name)).toEqual(['demo-data', 'demo-boot', 'acme-db']);
    expect(cloud.requestsTo(/volumes\/detail$/).map((r) => r.query.get('limit'))).toEqual(['2', '2']);
  });

  it('Glance: follows next with its default page size', async () => {
    cloud = standardCloud({ glanceDefaultLimit: 2 });
    for (let i = 0; i < 5; i++) cloud.images.push(makeImage(`img-${i}`, `image-${i}`, 'p-admin'));
    const images = await listImages(await provider().image(), { limit: 3 }).all();
    expect(images).toHaveLength(7);
    expect(new Set(images.map((i) => i.id)).size).toBe(7);
    expect(cloud.requestsTo(/\/v2\/images$/).map((r) => r.query.toString())).toEqual(['limit=3', 'limit=3&marker=img-0', 'limit=3&marker=img-3']);
  });

  it('Neutron: networks_links only when a limit is asked for', async () => {
    cloud = standardCloud();
    const net = await provider().network();
    expect(await listNetworks(net).all()).toHaveLength(2);
    expect(cloud.requestsTo(/networks$/)).toHaveLength(1);
    expect(await listNetworks(net, { limit: 1 }).all()).toHaveLength(2);
    expect(cloud.requestsTo(/networks$/)).toHaveLength(1 + 3);
  });

  it('Keystone: links.next null ends the listing', async () => {
    cloud = standardCloud();
    expect((await listProjects(await provider().identity()).all()).map((p) => p.name)).toEqual(['admin', 'demo', 'acme-prod', 'acme-dev']);
  });

  it('Nova key pairs (≥ 2.35): items wrapped in {keypair}, paged by name', async () => {
    cloud = standardCloud();
    for (let i = 0; i < 3; i++) cloud.keypairs.push({ name: `k-${i}`, type: 'ssh', fingerprint: 'x', public_key: 'ssh-ed25519 A', user_id: 'u-admin' });
    const keys = await listKeypairs(await provider().compute(), { limit: 2 }).all();
    expect(keys.map((k) => k.name)).toEqual(['admin-key', 'k-0', 'k-1', 'k-2']);
    expect(cloud.requestsTo(/os-keypairs$/).map((r) => r.query.get('marker'))).toEqual([null, 'k-0', 'k-2']);
  });

  it('falls back to marker/limit when a full page carries no link', async () => {
    cloud = standardCloud();
    const c = await provider().compute();
    cloud.inject((r) => r.path.endsWith('/servers/detail') && !r.query.has('marker'), (r) => ({
      status: 200,
      body: { servers: cloud.servers.slice(0, 2).map((s) => ({ ...s, _flavorId: undefined })) },
      headers: { 'x-path': r.path },
    }));
    const servers = await listServers(c, { allTenants: true, limit: 2 }).all();
    expect(servers.map((s) => s.id)).toEqual(['s-web', 's-bfv', 's-app']);
  });

  it('refuses to loop when a next link leads back to a page already read', async () => {
    cloud = standardCloud();
    const c = await provider().compute();
    const self = `http://nova.test:8774/v2.1/servers/detail?limit=1`;
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 200, body: { servers: [{ id: 'a' }], servers_links: [{ rel: 'next', href: self }] } }, 5);
    const pager = new Pager(c, { path: 'servers/detail', query: { limit: 1 }, key: 'servers', item: z.looseObject({ id: z.string() }), map: (s) => s.id });
    const err = await pager.all().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect((err as Error).message).toContain('its pagination links lead back to a page already read');
  });

  it('stops on an empty page even if a link is present', async () => {
    cloud = standardCloud();
    const c = await provider().compute();
    cloud.inject((r) => r.path.endsWith('/servers/detail'), { status: 200, body: { servers: [], servers_links: [{ rel: 'next', href: 'x?marker=y' }] } });
    expect(await listServers(c).all()).toEqual([]);
  });
});
