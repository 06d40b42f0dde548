import type { Migration } from './types';

export const m0003: Migration = {
  version: 3,
  name: 'backup destinations (repositories) and the index of restore points',
  up(db) {
    db.exec(`
      CREATE TABLE repositories (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        path       TEXT NOT NULL UNIQUE,
        encrypted  INTEGER NOT NULL,
        -- the passphrase, sealed, so scheduled backups can open an encrypted repository unattended
        secret_id  TEXT,
        is_default INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;

      -- An index of the manifests in the repositories (rebuildable from them alone).
      CREATE TABLE backups (
        id            TEXT NOT NULL,
        repository_id TEXT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
        provider_id   TEXT,
        resource_kind TEXT NOT NULL,
        resource_id   TEXT NOT NULL,
        resource_name TEXT NOT NULL,
        kind          TEXT NOT NULL,
        parent_id     TEXT,
        created_at    TEXT NOT NULL,
        size_bytes    INTEGER NOT NULL,
        new_bytes     INTEGER NOT NULL,
        stored_bytes  INTEGER NOT NULL,
        disks         TEXT NOT NULL,
        job_id        TEXT,
        protected     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (repository_id, id)
      ) STRICT;
      CREATE INDEX backups_by_resource ON backups(resource_kind, resource_id, created_at DESC);
    `);
  },
};
