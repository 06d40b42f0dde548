import { beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../db';
import { InventoryTable } from './inventory.table';
import { HypervisorsTable } from './hypervisors.table';

let catalog: Catalog;
let repo: InventoryTable;
beforeEach(() => {
  catalog = openCatalog(':memory:');
  catalog.db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p', 'lab', 'u', 'r', 'now')`).run();
  repo = new InventoryTable(catalog.db, () => undefined);
});

describe('InventoryTable', () => {
  it('marks what a resync no longer lists as vanished, and brings it back if it reappears', () => {
    repo.upsertMany('p', 'instance', [{ id: 'a', projectId: 'x', name: 'web-1', data: {} }, { id: 'b', projectId: 'x', name: 'db-1', data: {} }], '2026-01-01T00:00:00Z');
    repo.upsertMany('p', 'instance', [{ id: 'a', projectId: 'x', name: 'web-1', data: { status: 'ACTIVE' } }], '2026-01-02T00:00:00Z');
    expect(repo.markVanished('p', 'instance', '2026-01-02T00:00:00Z')).toBe(1);
    expect(repo.list({ kind: 'instance' }).map((r) => r.id)).toEqual(['a']);
    expect(repo.list({ kind: 'instance', includeVanished: true }).find((r) => r.id === 'b')?.vanishedAt).not.toBeNull();
    repo.upsertMany('p', 'instance', [{ id: 'b', projectId: 'x', name: 'db-1', data: {} }], '2026-01-03T00:00:00Z');
    expect(repo.get('p', 'instance', 'b')?.vanishedAt).toBeNull();
  });

  it('limits vanishing to the projects a scoped sync could see', () => {
    repo.upsertMany('p', 'instance', [{ id: 'a', projectId: 'x', name: 'a', data: {} }, { id: 'b', projectId: 'y', name: 'b', data: {} }], '2026-01-01T00:00:00Z');
    expect(repo.markVanished('p', 'instance', '2026-01-02T00:00:00Z', ['x'])).toBe(1);
    expect(repo.list({ kind: 'instance' }).map((r) => r.id)).toEqual(['b']);
  });
});

describe('HypervisorsTable', () => {
  it('keeps the SSH settings an admin gave a host across syncs', () => {
    const h = new HypervisorsTable(catalog.db, () => undefined);
    h.setSsh('p', 'cmp1', { address: '10.0.0.5', port: 22, user: 'root', auth: 'key', secretId: 's1', hostKey: null, transfer: { kind: 'direct', address: null, ports: [16000, 16099] } });
    h.upsertFromSync('p', [{ hostname: 'cmp1', serviceHost: 'cmp1', state: 'up', status: 'enabled', type: 'QEMU', hostIp: '10.0.0.5', runningVms: 3 }], '2026-01-02T00:00:00Z');
    expect(h.get('p', 'cmp1')).toMatchObject({ data: { runningVms: 3 }, ssh: { address: '10.0.0.5', user: 'root', auth: 'key', transfer: { kind: 'direct', address: null, ports: [16000, 16099] } }, vanishedAt: null });
  });
});
