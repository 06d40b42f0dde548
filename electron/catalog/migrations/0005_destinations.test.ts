import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';
import { m0003 } from './0003_repositories_backups';
import { m0004 } from './0004_hypervisor_transfer';
import { m0005 } from './0005_destinations';

describe('migration 0005 (destinations)', () => {
  it('renames repositories to destinations and rewrites the job history in the new words', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [m0001, m0002, m0003, m0004]);
    db.prepare(`INSERT INTO repositories(id, name, path, encrypted, secret_id, created_at) VALUES ('r', 'local', '/backups', 1, 'repository:r', 'now')`).run();
    db.prepare(
      `INSERT INTO backups(id, repository_id, resource_kind, resource_id, resource_name, kind, created_at, size_bytes, new_bytes, stored_bytes, disks, protected)
       VALUES ('i-1/t', 'r', 'instance', 'i-1', 'web-1', 'full', 'now', 10, 10, 5, '[]', 1)`,
    ).run();
    const job = db.prepare(
      `INSERT INTO jobs(id, kind, target, params, state, progress, attempt, max_attempts, created_at, error) VALUES (?, ?, 't', ?, 'failed', '{}', 1, 1, 'now', ?)`,
    );
    job.run('v', 'repository.verify', JSON.stringify({ repositoryId: 'r', backupId: 'i-1/t' }), JSON.stringify({ code: 'repository.corrupt', message: 'x', retryable: false }));
    job.run('b', 'backup.instance', JSON.stringify({ providerId: 'p', instanceId: 'i', repositoryId: 'r', mode: 'auto' }), null);
    job.run('c', 'catalog.backup', JSON.stringify({ destination: '/tmp/copy.sqlite' }), null);
    job.run('s', 'inventory.sync', JSON.stringify({ providerId: 'p' }), null);

    migrate(db, [m0001, m0002, m0003, m0004, m0005]);

    expect(db.prepare('SELECT id, name, secret_id FROM destinations').all()).toEqual([{ id: 'r', name: 'local', secret_id: 'repository:r' }]);
    expect(db.prepare('SELECT destination_id, protected FROM backups').get()).toEqual({ destination_id: 'r', protected: 1 });
    const rows = Object.fromEntries(
      (db.prepare('SELECT id, kind, params, error FROM jobs').all() as { id: string; kind: string; params: string; error: string | null }[]).map((r) => [
        r.id,
        { kind: r.kind, params: JSON.parse(r.params) as unknown, code: r.error ? (JSON.parse(r.error) as { code: string }).code : null },
      ]),
    );
    expect(rows).toEqual({
      v: { kind: 'destination.verify', params: { destinationId: 'r', backupId: 'i-1/t' }, code: 'destination.corrupt' },
      b: { kind: 'backup.instance', params: { providerId: 'p', instanceId: 'i', destinationId: 'r', mode: 'auto' }, code: null },
      c: { kind: 'catalog.backup', params: { file: '/tmp/copy.sqlite' }, code: null },
      s: { kind: 'inventory.sync', params: { providerId: 'p' }, code: null },
    });
    // The foreign key follows the rename: forgetting a destination forgets its restore points.
    db.prepare(`DELETE FROM destinations WHERE id = 'r'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM backups').get()).toEqual({ n: 0 });
    expect(db.pragma('user_version', { simple: true })).toBe(5);
  });
});
