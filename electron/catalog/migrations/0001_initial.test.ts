import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openCatalog } from '../db';
import { m0001 } from './0001_initial';
import { migrations } from '.';

describe('migration 0001 (initial)', () => {
  it('creates the settings, providers, jobs and job log tables on an empty catalog', () => {
    const db = new Database(':memory:');
    migrate(db, [m0001]);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['job_logs', 'jobs', 'providers', 'settings']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    // Logs go with their job.
    db.pragma('foreign_keys = ON');
    db.prepare(
      `INSERT INTO jobs(id, kind, target, params, state, progress, attempt, max_attempts, created_at) VALUES ('j', 'k', 't', '{}', 'queued', '{}', 1, 1, 'now')`,
    ).run();
    db.prepare(`INSERT INTO job_logs(job_id, seq, at, level, message) VALUES ('j', 0, 'now', 'info', 'hello')`).run();
    db.prepare(`DELETE FROM jobs WHERE id = 'j'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM job_logs').get()).toEqual({ n: 0 });
  });
});

describe('migrations', () => {
  it('are numbered 1, 2, 3 … without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('are applied once: reopening a catalog keeps its data', () => {
    const dir = `/tmp/backstack-mig-${process.pid}-${Date.now()}`;
    const c1 = openCatalog(`${dir}/catalog.sqlite`);
    c1.db.prepare(`INSERT INTO settings(key, value) VALUES ('theme', '"dark"')`).run();
    c1.close();
    const c2 = openCatalog(`${dir}/catalog.sqlite`);
    expect(c2.schemaVersion()).toBe(migrations.length);
    expect(c2.db.prepare('SELECT value FROM settings').get()).toEqual({ value: '"dark"' });
    expect(c2.db.pragma('journal_mode', { simple: true })).toBe('wal');
    c2.close();
  });

  it('leave the catalog at the previous version when a step fails', () => {
    const db = new Database(':memory:');
    const broken = { version: 2, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE x(a); SELECT * FROM no_such_table') };
    expect(() => migrate(db, [m0001, broken])).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 0 });
  });

  it('refuse a catalog written by a newer Backstack, saying what to do', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, [m0001])).toThrow(/newer Backstack .* Upgrade Backstack/);
  });
});
