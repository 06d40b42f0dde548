import type Database from 'better-sqlite3';
import type { ProviderSummary } from '../../../shared/domain/app';

interface Row {
  id: string;
  name: string;
  auth_url: string;
  region: string;
  created_at: string;
}

export class ProvidersRepo {
  constructor(private readonly db: Database.Database) {}

  list(): ProviderSummary[] {
    const rows = this.db.prepare('SELECT id, name, auth_url, region, created_at FROM providers ORDER BY name').all() as Row[];
    return rows.map((r) => ({ id: r.id, name: r.name, authUrl: r.auth_url, region: r.region, createdAt: r.created_at }));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM providers').get() as { n: number }).n;
  }
}
