import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';
import { m0003 } from './0003_repositories_backups';

describe('migration 0003 (repositories, backups index)', () => {
  it('indexes restore points per repository, and forgets them with their repository', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [m0001, m0002, m0003]);
    db.prepare(`INSERT INTO repositories(id, name, path, encrypted, created_at) VALUES ('r', 'local', '/backups', 0, 'now')`).run();
    db.prepare(
      `INSERT INTO backups(id, repository_id, resource_kind, resource_id, resource_name, kind, created_at, size_bytes, new_bytes, stored_bytes, disks)
       VALUES ('i-1/2026', 'r', 'instance', 'i-1', 'web-1', 'full', 'now', 10, 10, 5, '[]')`,
    ).run();
    expect(() => db.prepare(`INSERT INTO repositories(id, name, path, encrypted, created_at) VALUES ('r2', 'other', '/backups', 0, 'now')`).run()).toThrow(/UNIQUE/);
    db.prepare(`DELETE FROM repositories WHERE id = 'r'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM backups').get()).toEqual({ n: 0 });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
  });
});
