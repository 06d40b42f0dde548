import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations';

export class CatalogError extends Error {
  override name = 'CatalogError';
}

export interface Catalog {
  db: Database.Database;
  path: string;
  schemaVersion(): number;
  close(): void;
}

/**
 * Opens (creating if needed) the catalog and brings its schema up to date. WAL lets readers
 * (the UI's lists) run beside the writer (jobs) without blocking.
 */
export function openCatalog(file: string, migrations: readonly Migration[] = allMigrations): Catalog {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    db,
    path: file,
    schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
    close: () => db.close(),
  };
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new CatalogError(
      `The catalog was written by a newer Backstack (schema ${current}, this version knows up to ${latest}). Upgrade Backstack, or open another data folder with BACKSTACK_HOME.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    // One transaction per step: a failed step leaves the catalog at the previous version.
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
