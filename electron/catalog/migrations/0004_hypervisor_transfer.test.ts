import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../db';
import { m0001 } from './0001_initial';
import { m0002 } from './0002_providers_inventory';
import { m0003 } from './0003_repositories_backups';
import { m0004 } from './0004_hypervisor_transfer';

describe('migration 0004 (hypervisor transfer mode)', () => {
  it('keeps existing hosts on SSH transfer and stores a direct one', () => {
    const db = new Database(':memory:');
    migrate(db, [m0001, m0002, m0003]);
    db.prepare(`INSERT INTO providers(id, name, auth_url, region, created_at) VALUES ('p', 'lab', 'https://ks', 'RegionOne', 'now')`).run();
    db.prepare(`INSERT INTO hypervisors(provider_id, hostname, data, seen_at, ssh_address) VALUES ('p', 'kvm-1', '{}', 'now', '10.0.0.1')`).run();
    migrate(db, [m0001, m0002, m0003, m0004]);
    expect(db.prepare(`SELECT ssh_address, transfer FROM hypervisors`).get()).toEqual({ ssh_address: '10.0.0.1', transfer: null });
    db.prepare(`UPDATE hypervisors SET transfer = ?`).run(JSON.stringify({ kind: 'direct', address: null, ports: [16000, 16999] }));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
  });
});
