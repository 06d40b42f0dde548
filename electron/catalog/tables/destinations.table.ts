import type Database from 'better-sqlite3';
import type { DestinationView } from '../../../shared/domain/destinations';
import { Schedule } from '../../../shared/domain/schedules';
import type { NotifyChanged } from './notify';

/** 'default' until an admin chooses (the service says what the default is), 'off', or a schedule. */
export type StoredGcSchedule = Schedule | 'off' | 'default';

/**
 * A destination as the catalog keeps it: what clients see (the GC schedule as chosen, not yet
 * resolved), the id of its sealed passphrase, and the due time of the last scheduled GC handled.
 */
export type StoredDestination = Omit<DestinationView, 'gcSchedule' | 'nextGcAt'> & {
  secretId: string | null;
  gcSchedule: StoredGcSchedule;
  gcLastDue: string | null;
};

const readGc = (raw: string | null): StoredGcSchedule => {
  if (raw === null) return 'default';
  if (raw === 'off') return 'off';
  // A schedule this catalog wrote; one that no longer parses (edited by hand) falls back to the default.
  const parsed = Schedule.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : 'default';
};

interface Row {
  id: string;
  name: string;
  path: string;
  encrypted: number;
  secret_id: string | null;
  is_default: number;
  created_at: string;
  gc_schedule: string | null;
  gc_last_due: string | null;
}

const toStored = (r: Row): StoredDestination => ({
  id: r.id,
  name: r.name,
  path: r.path,
  encrypted: r.encrypted === 1,
  secretId: r.secret_id,
  isDefault: r.is_default === 1,
  createdAt: r.created_at,
  gcSchedule: readGc(r.gc_schedule),
  gcLastDue: r.gc_last_due,
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

  setGcSchedule(id: string, schedule: StoredGcSchedule): void {
    const raw = schedule === 'default' ? null : schedule === 'off' ? 'off' : JSON.stringify(schedule);
    // A new schedule starts afresh: what the old one had due is not made up.
    this.db.prepare('UPDATE destinations SET gc_schedule = ?, gc_last_due = NULL WHERE id = ?').run(raw, id);
    this.notify(['destinations']);
  }

  /** The due time of the scheduled GC just queued (the next one shown moves on). */
  setGcLastDue(id: string, dueAt: string): void {
    this.db.prepare('UPDATE destinations SET gc_last_due = ? WHERE id = ?').run(dueAt, id);
    this.notify(['destinations']);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM destinations WHERE id = ?').run(id);
    this.notify(['destinations', 'backups']);
  }
}
