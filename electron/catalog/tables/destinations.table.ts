import type Database from 'better-sqlite3';
import type { DestinationView } from '../../../shared/domain/destinations';
import type { NotifyChanged } from './notify';

/** A destination as the catalog keeps it: what clients see, and the id of its sealed passphrase. */
export type StoredDestination = DestinationView & { secretId: string | null };

interface Row {
  id: string;
  name: string;
  path: string;
  encrypted: number;
  secret_id: string | null;
  is_default: number;
  created_at: string;
}

const toStored = (r: Row): StoredDestination => ({
  id: r.id,
  name: r.name,
  path: r.path,
  encrypted: r.encrypted === 1,
  secretId: r.secret_id,
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
});

/** Backup destinations known to this installation (what they hold lives in them, not here). */
export class DestinationsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  list(): StoredDestination[] {
    return (this.db.prepare('SELECT * FROM destinations ORDER BY is_default DESC, name').all() as Row[]).map(toStored);
  }

  get(idOrName: string): StoredDestination | undefined {
    const r = this.db.prepare('SELECT * FROM destinations WHERE id = ? OR name = ? OR path = ?').get(idOrName, idOrName, idOrName) as Row | undefined;
    return r && toStored(r);
  }

  insert(r: StoredDestination): void {
    this.db.transaction(() => {
      // The first destination becomes the default one.
      const first = (this.db.prepare('SELECT count(*) AS n FROM destinations').get() as { n: number }).n === 0;
      this.db
        .prepare('INSERT INTO destinations(id, name, path, encrypted, secret_id, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, r.name, r.path, r.encrypted ? 1 : 0, r.secretId, first || r.isDefault ? 1 : 0, r.createdAt);
    })();
    this.notify(['destinations']);
  }

  setDefault(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE destinations SET is_default = 0').run();
      this.db.prepare('UPDATE destinations SET is_default = 1 WHERE id = ?').run(id);
    })();
    this.notify(['destinations']);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM destinations WHERE id = ?').run(id);
    this.notify(['destinations', 'backups']);
  }
}
