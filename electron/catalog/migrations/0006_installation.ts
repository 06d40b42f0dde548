import type { Migration } from './types';

/**
 * This installation's id, made once by SQLite: 12 random hex digits. Everything Backstack leaves
 * on a hypervisor or in Ceph carries it, so installations that back up the same cloud each touch
 * only their own leftovers. One row, never rewritten.
 */
export const m0006: Migration = {
  version: 6,
  name: 'installation id',
  up(db) {
    db.exec(`
      CREATE TABLE installation (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id TEXT NOT NULL CHECK (length(id) = 12 AND id NOT GLOB '*[^0-9a-f]*'),
        created_at TEXT NOT NULL
      );
      INSERT INTO installation(singleton, id, created_at) VALUES (1, lower(hex(randomblob(6))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    `);
  },
};
