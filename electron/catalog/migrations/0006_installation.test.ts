import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';
import { m0003 } from './0003_repositories_backups';
import { m0004 } from './0004_hypervisor_transfer';
import { m0005 } from './0005_destinations';
import { m0006 } from './0006_installation';

const upTo5 = [m0001, m0002, m0003, m0004, m0005];

describe('migration 0006 (installation id)', () => {
  it('gives each catalog one random id of 12 hex digits, made once', () => {
    const ids = [0, 1].map(() => {
      const db = new Database(':memory:');
      migrate(db, upTo5);
      migrate(db, [...upTo5, m0006]);
      migrate(db, [...upTo5, m0006]); // nothing runs twice
      const rows = db.prepare('SELECT id FROM installation').all() as { id: string }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toMatch(/^[0-9a-f]{12}$/);
      expect(db.pragma('user_version', { simple: true })).toBe(6);
      // a second row or a malformed id is refused by the table itself
      expect(() => db.prepare(`INSERT INTO installation(singleton, id, created_at) VALUES (2, 'abcdefabcdef', 'now')`).run()).toThrow();
      expect(() => db.prepare(`UPDATE installation SET id = 'ABC-DEF-1234'`).run()).toThrow();
      return rows[0]!.id;
    });
    expect(ids[0]).not.toBe(ids[1]);
  });
});
