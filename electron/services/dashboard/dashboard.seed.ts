import type Database from 'better-sqlite3';
import { PolicySpec, type PolicySpecInput, type SchedulerStatus } from '../../../shared/domain/policies';
import { DashboardQueries, PoliciesTable } from '../../catalog';
import { DashboardService } from './dashboard.service';

const DONE = JSON.stringify({ phase: 'done', bytesDone: 0, bytesTotal: null, rate: null, etaSeconds: null });
const FAILED = JSON.stringify({
  code: 'network.unreachable',
  message: 'compute-1.example.org did not answer on port 22 (SSH): check that the host is up.',
  retryable: true,
});

/**
 * Writes a catalog as syncs, backups and jobs leave it, with prepared statements in one
 * transaction (a 10,000-instance catalog in about a second): for the dashboard's unit tests
 * and its browser journey (e2e/mock-console/dashboard-seed.ts).
 */
export class DashboardSeed {
  private readonly policies: PoliciesTable;
  private jobSeq = 0;

  constructor(
    private readonly db: Database.Database,
    readonly now: Date,
    /** the cloud of the instances, members, restore points and jobs written */
    private readonly providerId = 'c1',
  ) {
    this.policies = new PoliciesTable(db, () => undefined);
  }

  private readonly statements = new Map<string, Database.Statement>();
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  /** An ISO time `hours` before now. */
  ago = (hours: number): string => new Date(this.now.getTime() - hours * 3_600_000).toISOString();

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  cloud(): void {
    this.sql('INSERT INTO providers(id, name, auth_url, region, created_at) VALUES (?, ?, ?, ?, ?)').run(
      this.providerId,
      this.providerId,
      `https://${this.providerId}.example/v3`,
      'RegionOne',
      this.ago(1000),
    );
  }

  destination(id: string): void {
    this.sql('INSERT INTO destinations(id, name, path, encrypted, is_default, created_at) VALUES (?, ?, ?, 0, 0, ?)').run(
      id,
      id,
      `/backups/${id}`,
      this.ago(1000),
    );
  }

  instance(id: string, opts: { vanished?: boolean } = {}): void {
    this.sql(
      "INSERT INTO resources(provider_id, kind, id, project_id, name, data, seen_at, vanished_at) VALUES (?, 'instance', ?, 'p1', ?, ?, ?, ?)",
    ).run(
      this.providerId,
      id,
      `vm-${id}`,
      JSON.stringify({ id, name: `vm-${id}`, projectName: 'demo' }),
      this.ago(1),
      opts.vanished ? this.ago(1) : null,
    );
  }

  policy(id: string, spec: Partial<PolicySpecInput>, members: string[]): void {
    this.policies.insert({
      id,
      spec: PolicySpec.parse({ name: id, destination: 'local', ...spec }),
      createdAt: this.ago(1000),
      updatedAt: this.ago(1000),
    });
    this.policies.applyMembers(
      id,
      members.map((instanceId) => ({ providerId: this.providerId, instanceId, source: 'manual' as const })),
      [],
      this.ago(1000),
    );
  }

  /** Members that joined their policy `hours` ago (policy() makes them members 1000 h ago). */
  joined(instanceIds: string[], hours: number): void {
    for (const id of instanceIds)
      this.sql('UPDATE policy_members SET assigned_at = ? WHERE provider_id = ? AND instance_id = ?').run(this.ago(hours), this.providerId, id);
  }

  /** A policy made and last changed `hours` ago, its members there since. */
  backdate(policyId: string, hours: number): void {
    this.sql('UPDATE policies SET created_at = ?, updated_at = ? WHERE id = ?').run(this.ago(hours), this.ago(hours), policyId);
    this.sql('UPDATE policy_members SET assigned_at = ? WHERE policy_id = ?').run(this.ago(hours), policyId);
  }

  /** The instance's name in the inventory, as restore points and jobs carry it. */
  private nameOf(instanceId: string): string {
    const r = this.sql("SELECT name FROM resources WHERE provider_id = ? AND kind = 'instance' AND id = ?").get(this.providerId, instanceId) as
      { name: string } | undefined;
    return r?.name ?? `vm-${instanceId}`;
  }

  /** A restore point of an instance taken `hours` ago, with the job that made it; its disks hold four times what it stores. */
  backup(instanceId: string, hours: number, opts: { destination?: string; storedBytes?: number } = {}): void {
    const jobId = this.job(instanceId, 'succeeded', hours + 0.1, hours);
    const stored = opts.storedBytes ?? 1000;
    const name = this.nameOf(instanceId);
    this.sql(
      `INSERT INTO backups(id, destination_id, provider_id, resource_kind, resource_id, resource_name, kind, parent_id, created_at, size_bytes, new_bytes, stored_bytes, disks, job_id)
         VALUES (?, ?, ?, 'instance', ?, ?, 'full', NULL, ?, ?, ?, ?, ?, ?)`,
    ).run(
      `${instanceId}/${this.ago(hours)}`,
      opts.destination ?? 'local',
      this.providerId,
      instanceId,
      name,
      this.ago(hours),
      4 * stored,
      2 * stored,
      stored,
      JSON.stringify([{ name: 'vda', size: 4 * stored }]),
      jobId,
    );
  }

  /** A backup job of an instance, created `hours` ago and finished `finishedHours` ago (null: not finished). */
  job(instanceId: string, state: string, hours: number, finishedHours: number | null = hours): string {
    const id = `00000000-0000-4000-8000-${String(++this.jobSeq).padStart(12, '0')}`;
    this.sql(
      `INSERT INTO jobs(id, kind, target, params, state, progress, attempt, max_attempts, created_at, started_at, finished_at, error)
         VALUES (?, 'backup.instance', ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)`,
    ).run(
      id,
      `instance ${this.nameOf(instanceId)}`,
      JSON.stringify({ providerId: this.providerId, instanceId }),
      state,
      DONE,
      this.ago(hours),
      this.ago(hours),
      finishedHours === null ? null : this.ago(finishedHours),
      state === 'failed' ? FAILED : null,
    );
    return id;
  }

  /** The service over this catalog, with a scheduler status given by the test. */
  service(status: Partial<SchedulerStatus> = {}): DashboardService {
    return new DashboardService({
      queries: new DashboardQueries(this.db),
      policies: () => this.policies.list(),
      scheduler: () => ({ running: false, holder: null, nextRuns: [], recent: [], ...status }),
      now: () => this.now,
    });
  }
}
