import type Database from 'better-sqlite3';
import type { BackupView } from '../../../shared/domain/backups';
import { BackupVerification } from '../../../shared/domain/restore-verify';
import type { NotifyChanged } from './notify';

/** A restore point as the catalog indexes it; the manifest in the destination is the truth. */
export type BackupRecord = BackupView;

interface Row {
  id: string;
  destination_id: string;
  provider_id: string | null;
  resource_kind: string;
  resource_id: string;
  resource_name: string;
  kind: string;
  parent_id: string | null;
  created_at: string;
  size_bytes: number;
  new_bytes: number;
  stored_bytes: number;
  disks: string;
  job_id: string | null;
  protected: number;
  verification: string | null;
}

const toRecord = (r: Row): BackupRecord => ({
  id: r.id,
  destinationId: r.destination_id,
  providerId: r.provider_id,
  resourceKind: r.resource_kind as BackupRecord['resourceKind'],
  resourceId: r.resource_id,
  resourceName: r.resource_name,
  kind: r.kind === 'incremental' ? 'incremental' : 'full',
  parentId: r.parent_id,
  createdAt: r.created_at,
  sizeBytes: r.size_bytes,
  newBytes: r.new_bytes,
  storedBytes: r.stored_bytes,
  disks: JSON.parse(r.disks) as BackupRecord['disks'],
  jobId: r.job_id,
  protected: r.protected === 1,
  verification: verificationOf(r.verification),
});

/** The stored evidence, or null (none, or written by a version whose shape this one does not read). */
function verificationOf(json: string | null): BackupVerification | null {
  if (!json) return null;
  const parsed = BackupVerification.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

export class BackupsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  record(b: BackupRecord): void {
    this.db
      .prepare(
        `INSERT INTO backups(id, destination_id, provider_id, resource_kind, resource_id, resource_name, kind, parent_id, created_at, size_bytes, new_bytes, stored_bytes, disks, job_id, protected, verification)
         VALUES (@id, @destinationId, @providerId, @resourceKind, @resourceId, @resourceName, @kind, @parentId, @createdAt, @sizeBytes, @newBytes, @storedBytes, @disks, @jobId, @protected, @verification)
         ON CONFLICT(destination_id, id) DO UPDATE SET size_bytes = excluded.size_bytes, new_bytes = excluded.new_bytes, stored_bytes = excluded.stored_bytes, disks = excluded.disks,
           protected = excluded.protected, provider_id = excluded.provider_id, verification = COALESCE(excluded.verification, verification)`,
      )
      .run({ ...b, disks: JSON.stringify(b.disks), protected: b.protected ? 1 : 0, verification: b.verification ? JSON.stringify(b.verification) : null });
    this.notify(['backups']);
  }

  list(opts: { destinationId?: string | undefined; resourceId?: string | undefined; providerId?: string | undefined } = {}): BackupRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    for (const [col, value] of [
      ['destination_id', opts.destinationId],
      ['resource_id', opts.resourceId],
      ['provider_id', opts.providerId],
    ] as const) {
      if (!value) continue;
      where.push(`${col} = ?`);
      args.push(value);
    }
    return (this.db.prepare(`SELECT * FROM backups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC`).all(...args) as Row[]).map(toRecord);
  }

  /** A restore point by id; with a destination, the one it holds (the same id may be in two destinations). */
  get(id: string, destinationId?: string): BackupRecord | undefined {
    const r = (
      destinationId
        ? this.db.prepare('SELECT * FROM backups WHERE destination_id = ? AND id = ?').get(destinationId, id)
        : this.db.prepare('SELECT * FROM backups WHERE id = ? ORDER BY created_at DESC LIMIT 1').get(id)
    ) as Row | undefined;
    return r && toRecord(r);
  }

  /** Destinations holding restore points of clouds other than these (removed, or a catalog's before it was lost). */
  destinationsWithCloudsOtherThan(providerIds: readonly string[]): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT destination_id AS id FROM backups WHERE provider_id IS NOT NULL AND provider_id NOT IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(providerIds)) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** After prune or a rebuild: keep the index equal to what the destination holds. */
  removeMissing(destinationId: string, presentIds: ReadonlySet<string>): number {
    const ids = (this.db.prepare('SELECT id FROM backups WHERE destination_id = ?').all(destinationId) as { id: string }[]).map((r) => r.id);
    const del = this.db.prepare('DELETE FROM backups WHERE destination_id = ? AND id = ?');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) if (!presentIds.has(id)) n += del.run(destinationId, id).changes;
    })();
    if (n) this.notify(['backups']);
    return n;
  }

  /** The evidence of the restore point's last boot check (restore.verify). */
  setVerification(destinationId: string, id: string, v: BackupVerification): void {
    this.db.prepare('UPDATE backups SET verification = ? WHERE destination_id = ? AND id = ?').run(JSON.stringify(v), destinationId, id);
    this.notify(['backups']);
  }

  setProtected(destinationId: string, id: string, value: boolean): void {
    this.db.prepare('UPDATE backups SET protected = ? WHERE destination_id = ? AND id = ?').run(value ? 1 : 0, destinationId, id);
    this.notify(['backups']);
  }
}
