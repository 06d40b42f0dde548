import type { Migration } from './types';

export const m0001: Migration = {
  version: 1,
  name: 'initial: settings, providers, jobs, job logs',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE providers (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        auth_url   TEXT NOT NULL,
        region     TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE jobs (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL,
        target       TEXT NOT NULL,
        params       TEXT NOT NULL,
        state        TEXT NOT NULL,
        progress     TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        max_attempts INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        started_at   TEXT,
        finished_at  TEXT,
        error        TEXT,
        summary      TEXT,
        -- the process that runs it ("pid:starttime"); a crash is detected when that process is gone
        owner        TEXT,
        -- set by another process (the CLI) to ask the owner to cancel
        cancel_requested INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX jobs_by_state ON jobs(state);
      CREATE INDEX jobs_by_created ON jobs(created_at DESC, id DESC);

      CREATE TABLE job_logs (
        job_id  TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        at      TEXT NOT NULL,
        level   TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
