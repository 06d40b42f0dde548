import type Database from 'better-sqlite3';
import type { NotifyChanged } from './notify';

/** A restore point as the catalog indexes it; the manifest in the repository is the truth. */
export interface BackupRecord {
  id: string;
  repositoryId: string;
  providerId: string | null;
  resourceKind: 'instance' | 'volume' | 'disk';
  resourceId: string;
  resourceName: string;
  kind: 'full' | 'incremental';
  parentId: string | null;
  createdAt: string;
  sizeBytes: number;
  newBytes: number;
  storedBytes: number;
  disks: { name: string; size: number }[];
  jobId: string | null;
  protected: boolean;
}

interface Row {
  id: string;
  repository_id: string;
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
}

const toRecord = (r: Row): BackupRecord => ({
  id: r.id,
  repositoryId: r.repository_id,
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
});

export class BackupsRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  record(b: BackupRecord): void {
    this.db
      .prepare(
        `INSERT INTO backups(id, repository_id, provider_id, resource_kind, resource_id, resource_name, kind, parent_id, created_at, size_bytes, new_bytes, stored_bytes, disks, job_id, protected)
         VALUES (@id, @repositoryId, @providerId, @resourceKind, @resourceId, @resourceName, @kind, @parentId, @createdAt, @sizeBytes, @newBytes, @storedBytes, @disks, @jobId, @protected)
         ON CONFLICT(repository_id, id) DO UPDATE SET size_bytes = excluded.size_bytes, new_bytes = excluded.new_bytes, stored_bytes = excluded.stored_bytes, disks = excluded.disks`,
      )
      .run({ ...b, disks: JSON.stringify(b.disks), protected: b.protected ? 1 : 0 });
    this.notify(['backups']);
  }

  list(opts: { repositoryId?: string; resourceId?: string } = {}): BackupRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    if (opts.repositoryId) {
      where.push('repository_id = ?');
      args.push(opts.repositoryId);
    }
    if (opts.resourceId) {
      where.push('resource_id = ?');
      args.push(opts.resourceId);
    }
    return (this.db.prepare(`SELECT * FROM backups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC`).all(...args) as Row[]).map(toRecord);
  }

  get(id: string): BackupRecord | undefined {
    const r = this.db.prepare('SELECT * FROM backups WHERE id = ? ORDER BY created_at DESC LIMIT 1').get(id) as Row | undefined;
    return r && toRecord(r);
  }

  /** After prune or a rebuild: keep the index equal to what the repository holds. */
  removeMissing(repositoryId: string, presentIds: ReadonlySet<string>): number {
    const ids = (this.db.prepare('SELECT id FROM backups WHERE repository_id = ?').all(repositoryId) as { id: string }[]).map((r) => r.id);
    const del = this.db.prepare('DELETE FROM backups WHERE repository_id = ? AND id = ?');
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) if (!presentIds.has(id)) n += del.run(repositoryId, id).changes;
    })();
    if (n) this.notify(['backups']);
    return n;
  }

  setProtected(repositoryId: string, id: string, value: boolean): void {
    this.db.prepare('UPDATE backups SET protected = ? WHERE repository_id = ? AND id = ?').run(value ? 1 : 0, repositoryId, id);
    this.notify(['backups']);
  }
}
