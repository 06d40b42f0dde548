import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { migrations } from './index';

describe('migration 0008 (destination gc schedule)', () => {
  it('gives destinations added before it the default schedule, with nothing handled yet', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 7));
    db.prepare(
      `INSERT INTO destinations(id, name, path, encrypted, secret_id, is_default, created_at) VALUES ('d', 'local', '/srv', 0, NULL, 1, 'now')`,
    ).run();
    migrate(db, migrations.slice(0, 8));
    expect(db.prepare('SELECT name, gc_schedule, gc_last_due FROM destinations').all()).toEqual([
      { name: 'local', gc_schedule: null, gc_last_due: null },
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(8);
  });
});
