import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError, type AppErrorCode } from '../../shared/errors/app-error';
import type { ConvertibleError } from '../lib/errors';
import { nativeLoadFailureMessage } from '../lib/native-modules';
import { migrations as allMigrations, type Migration } from './migrations';

/** A catalog that cannot be used as it is; the message says what to do. */
export class CatalogError extends Error implements ConvertibleError {
  override name = 'CatalogError';
  constructor(
    message: string,
    readonly code: AppErrorCode = 'unsupported',
    opts?: { cause?: unknown },
  ) {
    super(message, opts);
  }

  toAppError(): AppError {
    return new AppError(this.code, this.message, { cause: this });
  }
}

export interface OpenCatalogOptions {
  migrations?: readonly Migration[];
  /** better-sqlite3's compiled module (the desktop app's Electron build); default: node_modules' build for Node */
  nativeBinding?: string | undefined;
}

export interface Catalog {
  db: Database.Database;
  path: string;
  schemaVersion(): number;
  /** this installation's id (12 hex digits, made once by migration 0006): named in everything it leaves on hypervisors */
  installationId(): string;
  close(): void;
}

/**
 * Opens (creating if needed) the catalog and brings its schema up to date. WAL lets readers
 * (the UI's lists) run beside the writer (jobs) without blocking.
 */
export function openCatalog(file: string, opts: OpenCatalogOptions = {}): Catalog {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = openDatabase(file, opts.nativeBinding);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, opts.migrations ?? allMigrations);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    db,
    path: file,
    schemaVersion: () => db.pragma('user_version', { simple: true }) as number,
    installationId: () => (db.prepare('SELECT id FROM installation').get() as { id: string }).id,
    close: () => db.close(),
  };
}

/** A module built for another runtime fails here, on the app's first line: say which build to make, not a stack. */
function openDatabase(file: string, nativeBinding: string | undefined): Database.Database {
  try {
    return new Database(file, nativeBinding === undefined ? {} : { nativeBinding });
  } catch (e) {
    const message = nativeLoadFailureMessage(e, { name: 'The SQLite module (better-sqlite3)', file: nativeBinding });
    if (message) throw new CatalogError(message, 'unsupported', { cause: e });
    throw e;
  }
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
