import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { migrations } from './index';

describe('migration 0009 (backup verification)', () => {
  it('leaves restore points indexed before it unchecked', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 8));
    db.prepare(`INSERT INTO destinations(id, name, path, encrypted, secret_id, is_default, created_at) VALUES ('d', 'local', '/srv', 0, NULL, 1, 'now')`).run();
    db.prepare(
      `INSERT INTO backups(id, destination_id, provider_id, resource_kind, resource_id, resource_name, kind, parent_id, created_at, size_bytes, new_bytes, stored_bytes, disks, job_id, protected)
       VALUES ('s/t', 'd', NULL, 'instance', 's', 'web', 'full', NULL, 'now', 1, 1, 1, '[]', NULL, 0)`,
    ).run();
    migrate(db, migrations.slice(0, 9));
    expect(db.prepare('SELECT id, verification FROM backups').all()).toEqual([{ id: 's/t', verification: null }]);
    expect(db.pragma('user_version', { simple: true })).toBe(9);
  });
});
