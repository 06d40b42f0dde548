import type { Migration } from './types';

export const m0002: Migration = {
  version: 2,
  name: 'providers with authentication domains, secrets, hypervisors, inventory',
  up(db) {
    db.exec(`
      ALTER TABLE providers ADD COLUMN endpoint_interface TEXT NOT NULL DEFAULT 'public';
      ALTER TABLE providers ADD COLUMN strategy TEXT NOT NULL DEFAULT 'libvirt-ssh';
      ALTER TABLE providers ADD COLUMN trust_certificates INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE providers ADD COLUMN download_image INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE providers ADD COLUMN scoped INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE providers ADD COLUMN ca_file TEXT;
      -- the pinned certificate of a "trust certificates" provider: a change is refused
      ALTER TABLE providers ADD COLUMN pinned_fingerprint TEXT;
      ALTER TABLE providers ADD COLUMN pinned_subject TEXT;
      ALTER TABLE providers ADD COLUMN last_sync_at TEXT;
      ALTER TABLE providers ADD COLUMN last_sync_error TEXT;

      -- encrypted with the master key (see electron/lib/secret-box.ts); never sent to a client
      CREATE TABLE secrets (
        id         TEXT PRIMARY KEY,
        ciphertext BLOB NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE auth_domains (
        id              TEXT PRIMARY KEY,
        provider_id     TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        name            TEXT NOT NULL,
        domain_id       TEXT,
        user_name       TEXT NOT NULL,
        user_domain     TEXT,
        default_project TEXT,
        -- password, or application credential id+secret
        auth_kind       TEXT NOT NULL DEFAULT 'password',
        secret_id       TEXT NOT NULL,
        UNIQUE (provider_id, name)
      ) STRICT;

      CREATE TABLE hypervisors (
        provider_id     TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
        hostname        TEXT NOT NULL,
        data            TEXT NOT NULL,
        ssh_address     TEXT,
        ssh_port        INTEGER NOT NULL DEFAULT 22,
        ssh_user        TEXT,
        ssh_auth        TEXT,
        ssh_secret_id   TEXT,
        host_key        TEXT,
        seen_at         TEXT NOT NULL,
        vanished_at     TEXT,
        PRIMARY KEY (provider_id, hostname)
      ) STRICT;

      -- Every inventory resource (domain, project, instance, flavor, keypair, image, volume,
      -- snapshot, volume type, network, availability zone) as its mapped JSON; a resync marks
      -- the ones no longer listed as vanished instead of dropping them.
      CREATE TABLE resources (
        provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        id          TEXT NOT NULL,
        project_id  TEXT,
        name        TEXT NOT NULL,
        data        TEXT NOT NULL,
        seen_at     TEXT NOT NULL,
        vanished_at TEXT,
        PRIMARY KEY (provider_id, kind, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX resources_by_project ON resources(provider_id, kind, project_id);
    `);
  },
};
