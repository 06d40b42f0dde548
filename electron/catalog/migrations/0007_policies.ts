import type { Migration } from './types';

/**
 * Protection policies. A policy's settings are one JSON document (shared/domain/policies.ts,
 * parsed on every read); an instance belongs to at most one policy (the members' key); each
 * scheduled or missed run leaves a row; one process per catalog holds the scheduler's lease.
 */
export const m0007: Migration = {
  version: 7,
  name: 'policies and scheduler',
  up(db) {
    db.exec(`
      CREATE TABLE policies (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        spec       TEXT NOT NULL CHECK (json_valid(spec)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE policy_members (
        provider_id TEXT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
        instance_id TEXT NOT NULL,
        policy_id   TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
        source      TEXT NOT NULL CHECK (source IN ('manual', 'rule')),
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (provider_id, instance_id)
      );
      CREATE INDEX policy_members_policy ON policy_members(policy_id);
      CREATE TABLE policy_runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        policy_id   TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
        schedule_id TEXT,
        due_at      TEXT NOT NULL,
        at          TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('started', 'skipped', 'caught-up')),
        message     TEXT NOT NULL,
        job_ids     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(job_ids))
      );
      CREATE INDEX policy_runs_schedule ON policy_runs(policy_id, schedule_id, due_at);
      CREATE TABLE scheduler_lease (
        singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
        owner        TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        hostname     TEXT NOT NULL,
        runtime      TEXT NOT NULL,
        since        TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );
    `);
  },
};
