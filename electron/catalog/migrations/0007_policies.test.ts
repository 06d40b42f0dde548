import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { migrations } from './index';

describe('migration 0007 (policies)', () => {
  it('keeps an instance in one policy at most and drops members and runs with their policy', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    db.pragma('foreign_keys = ON');
    db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p', 'lab', 'http://x', 'RegionOne', 'now')`).run();
    const policy = db.prepare(`INSERT INTO policies(id, name, spec, created_at, updated_at) VALUES (?, ?, '{}', 'now', 'now')`);
    policy.run('a', 'Gold');
    policy.run('b', 'Silver');
    expect(() => policy.run('c', 'gold')).toThrow(/UNIQUE/); // names differ by more than case
    const member = db.prepare(`INSERT INTO policy_members(provider_id, instance_id, policy_id, source, assigned_at) VALUES ('p', 'i1', ?, 'manual', 'now')`);
    member.run('a');
    expect(() => member.run('b')).toThrow(/UNIQUE|PRIMARY/);
    db.prepare(`INSERT INTO policy_runs(policy_id, schedule_id, due_at, at, outcome, message) VALUES ('a', 'nightly', 'd', 'd', 'started', 'm')`).run();
    db.prepare(`DELETE FROM policies WHERE id = 'a'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM policy_members').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM policy_runs').get()).toEqual({ n: 0 });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  });
});
