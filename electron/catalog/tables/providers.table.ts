import type Database from 'better-sqlite3';
import type { ProviderSummary } from '../../../shared/domain/app';
import { BackupStrategy, type AuthDomainView, type EndpointInterface, type ProviderView } from '../../../shared/domain/providers';
import type { NotifyChanged } from './notify';

interface Row {
  id: string;
  name: string;
  auth_url: string;
  region: string;
  created_at: string;
  endpoint_interface: string;
  strategy: string;
  trust_certificates: number;
  scoped: number;
  ca_file: string | null;
  pinned_fingerprint: string | null;
  pinned_subject: string | null;
  last_sync_at: string | null;
  last_sync_error: string | null;
}

interface DomainRow {
  id: string;
  name: string;
  domain_id: string | null;
  user_name: string;
  user_domain: string | null;
  default_project: string | null;
  auth_kind: string;
  secret_id: string;
}

export interface StoredAuthDomain extends AuthDomainView {
  secretId: string;
}

export interface NewProvider {
  id: string;
  name: string;
  authUrl: string;
  region: string;
  endpointInterface: EndpointInterface;
  strategy: BackupStrategy;
  trustCertificates: boolean;
  caFile: string | null;
  scoped: boolean;
  pinned: { subject: string; fingerprint256: string } | null;
  authDomains: StoredAuthDomain[];
}

export class ProvidersTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged = () => undefined,
  ) {}

  list(): ProviderSummary[] {
    const rows = this.db.prepare('SELECT id, name, auth_url, region, created_at FROM providers ORDER BY name').all() as Row[];
    return rows.map((r) => ({ id: r.id, name: r.name, authUrl: r.auth_url, region: r.region, createdAt: r.created_at }));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM providers').get() as { n: number }).n;
  }

  listViews(): ProviderView[] {
    return (this.db.prepare('SELECT * FROM providers ORDER BY name').all() as Row[]).map((r) => this.toView(r));
  }

  get(idOrName: string): ProviderView | undefined {
    const r = this.db.prepare('SELECT * FROM providers WHERE id = ? OR name = ?').get(idOrName, idOrName) as Row | undefined;
    return r && this.toView(r);
  }

  authDomains(providerId: string): StoredAuthDomain[] {
    const rows = this.db.prepare('SELECT * FROM auth_domains WHERE provider_id = ? ORDER BY position').all(providerId) as DomainRow[];
    return rows.map((d) => ({
      id: d.id,
      name: d.name,
      domainId: d.domain_id,
      userName: d.user_name,
      userDomain: d.user_domain,
      defaultProject: d.default_project,
      authKind: d.auth_kind === 'application-credential' ? 'application-credential' : 'password',
      secretId: d.secret_id,
    }));
  }

  /** Inserts or replaces a provider and its authentication domains in one transaction. */
  save(p: NewProvider, createdAt = new Date().toISOString()): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO providers(id, name, auth_url, region, created_at, endpoint_interface, strategy, trust_certificates, scoped, ca_file, pinned_fingerprint, pinned_subject)
           VALUES (@id, @name, @authUrl, @region, @createdAt, @endpointInterface, @strategy, @trust, @scoped, @caFile, @fp, @subject)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, auth_url = excluded.auth_url, region = excluded.region,
             endpoint_interface = excluded.endpoint_interface, strategy = excluded.strategy, trust_certificates = excluded.trust_certificates,
             scoped = excluded.scoped, ca_file = excluded.ca_file,
             pinned_fingerprint = excluded.pinned_fingerprint, pinned_subject = excluded.pinned_subject`,
        )
        .run({
          id: p.id,
          name: p.name,
          authUrl: p.authUrl,
          region: p.region,
          createdAt,
          endpointInterface: p.endpointInterface,
          strategy: p.strategy,
          trust: p.trustCertificates ? 1 : 0,
          scoped: p.scoped ? 1 : 0,
          caFile: p.caFile,
          fp: p.pinned?.fingerprint256 ?? null,
          subject: p.pinned?.subject ?? null,
        });
      this.db.prepare('DELETE FROM auth_domains WHERE provider_id = ?').run(p.id);
      const ins = this.db.prepare(
        `INSERT INTO auth_domains(id, provider_id, position, name, domain_id, user_name, user_domain, default_project, auth_kind, secret_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      p.authDomains.forEach((d, i) => ins.run(d.id, p.id, i, d.name, d.domainId, d.userName, d.userDomain, d.defaultProject, d.authKind, d.secretId));
    })();
    this.notify(['providers']);
  }

  setPinnedCertificate(id: string, cert: { subject: string; fingerprint256: string } | null): void {
    this.db.prepare('UPDATE providers SET pinned_fingerprint = ?, pinned_subject = ? WHERE id = ?').run(cert?.fingerprint256 ?? null, cert?.subject ?? null, id);
    this.notify(['providers']);
  }

  setSyncResult(id: string, at: string, error: string | null): void {
    this.db.prepare('UPDATE providers SET last_sync_at = ?, last_sync_error = ? WHERE id = ?').run(at, error, id);
    this.notify(['providers']);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM providers WHERE id = ?').run(id);
    this.notify(['providers', 'inventory', 'hypervisors']);
  }

  private toView(r: Row): ProviderView {
    return {
      id: r.id,
      name: r.name,
      authUrl: r.auth_url,
      region: r.region,
      endpointInterface: r.endpoint_interface as EndpointInterface,
      // An unknown stored name (a newer version's) reads as the strategy every backup uses today.
      strategy: BackupStrategy.catch('libvirt-ssh').parse(r.strategy),
      trustCertificates: r.trust_certificates === 1,
      caFile: r.ca_file,
      scoped: r.scoped === 1,
      pinnedCertificate: r.pinned_fingerprint ? { subject: r.pinned_subject ?? '', fingerprint256: r.pinned_fingerprint } : null,
      authDomains: this.authDomains(r.id).map(({ secretId: _s, ...d }) => d),
      lastSyncAt: r.last_sync_at,
      lastSyncError: r.last_sync_error,
      createdAt: r.created_at,
    };
  }
}
