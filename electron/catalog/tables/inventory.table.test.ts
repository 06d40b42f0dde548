import { beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../db';
import { BackupsTable } from './backups.table';
import { DestinationsTable } from './destinations.table';
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

  it('lists each instance with its zone, every IP and its newest restore point in any destination, of its own cloud only', () => {
    const addresses = [
      { network: 'net', ip: '10.0.0.5', type: 'fixed', mac: null },
      { network: 'net', ip: '203.0.113.9', type: 'floating', mac: null },
    ];
    const instances = [
      { id: 'a', projectId: 'x', name: 'web-1', data: { availabilityZone: 'az-1', addresses, tags: ['web'] } },
      { id: 'b', projectId: 'x', name: 'db-1', data: {} },
    ];
    repo.upsertMany('p', 'instance', instances, '2026-01-01T00:00:00Z');
    const destinations = new DestinationsTable(catalog.db, () => undefined);
    for (const id of ['d1', 'd2']) destinations.insert({ id, name: id, path: `/${id}`, encrypted: false, secretId: null, isDefault: false, createdAt: 'now', gcSchedule: 'default', gcLastDue: null });
    const backups = new BackupsTable(catalog.db, () => undefined);
    const point = { providerId: 'p', resourceKind: 'instance' as const, resourceName: 'web-1', kind: 'full' as const, parentId: null };
    const sizes = { sizeBytes: 1, newBytes: 1, storedBytes: 1, disks: [], jobId: null, protected: false };
    backups.record({ id: 'r1', destinationId: 'd1', resourceId: 'a', createdAt: '2026-02-01T10:00:00.000Z', ...point, ...sizes });
    backups.record({ id: 'r2', destinationId: 'd2', resourceId: 'a', createdAt: '2026-02-03T10:00:00.000Z', ...point, ...sizes });
    // Newer, but of another cloud's instance with the same id, and a disk backed up alone under b's id.
    backups.record({ id: 'r3', destinationId: 'd1', resourceId: 'a', createdAt: '2026-03-01T10:00:00.000Z', ...point, providerId: 'other', ...sizes });
    backups.record({ id: 'r4', destinationId: 'd1', resourceId: 'b', createdAt: '2026-03-01T10:00:00.000Z', ...point, resourceKind: 'disk', ...sizes });

    const rows = repo.listInstanceSummaries({});
    expect(rows.find((r) => r.id === 'a')).toMatchObject({ availabilityZone: 'az-1', ips: ['10.0.0.5', '203.0.113.9'], tags: ['web'], lastBackupAt: '2026-02-03T10:00:00.000Z' });
    expect(rows.find((r) => r.id === 'b')).toMatchObject({ availabilityZone: null, ips: [], tags: [], lastBackupAt: null });
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
