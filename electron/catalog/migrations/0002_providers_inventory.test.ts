import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';

describe('migration 0002 (providers, secrets, hypervisors, inventory)', () => {
  it('keeps providers of schema 1 and gives them defaults', () => {
    const db = new Database(':memory:');
    migrate(db, [m0001]);
    db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p', 'prod', 'https://k:5000/v3', 'RegionOne', 'now')`).run();
    migrate(db, [m0001, m0002]);
    expect(db.prepare('SELECT name, endpoint_interface, strategy, scoped FROM providers').get()).toEqual({
      name: 'prod',
      endpoint_interface: 'public',
      strategy: 'libvirt-ssh',
      scoped: 0,
    });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('removes a provider with its domains, hypervisors and inventory', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [m0001, m0002]);
    db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p', 'prod', 'u', 'r', 'now')`).run();
    db.prepare(`INSERT INTO auth_domains(id, provider_id, position, name, user_name, secret_id) VALUES ('a', 'p', 0, 'Default', 'admin', 's')`).run();
    db.prepare(`INSERT INTO hypervisors(provider_id, hostname, data, seen_at) VALUES ('p', 'cmp1', '{}', 'now')`).run();
    db.prepare(`INSERT INTO resources(provider_id, kind, id, name, data, seen_at) VALUES ('p', 'instance', 'i', 'web', '{}', 'now')`).run();
    db.prepare(`DELETE FROM providers WHERE id = 'p'`).run();
    for (const t of ['auth_domains', 'hypervisors', 'resources']) expect(db.prepare(`SELECT count(*) AS n FROM ${t}`).get(), t).toEqual({ n: 0 });
  });
});
