import type Database from 'better-sqlite3';
import { PolicySpec, type PolicyMember, type PolicyRun } from '../../../shared/domain/policies';
import type { NotifyChanged } from './notify';

/** A policy as stored: its spec is parsed on every read, so a hand-edited catalog cannot smuggle in a bad one. */
export interface StoredPolicy {
  id: string;
  spec: PolicySpec;
  createdAt: string;
  updatedAt: string;
}

interface PolicyRow {
  id: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

/** What a rule evaluation needs of an instance, read by SQLite from the inventory's JSON. */
export interface RuleCandidate {
  providerId: string;
  id: string;
  name: string;
  projectId: string;
  projectName: string | null;
  domainId: string | null;
  availabilityZone: string | null;
  tags: string[];
}

export interface MemberRow {
  providerId: string;
  instanceId: string;
  policyId: string;
  source: 'manual' | 'rule';
}

// Parsing a spec checks each schedule's cron and time zone (about half a millisecond): the scheduler,
// its status and the dashboard list every policy often, so each stored text is parsed once.
const parsed = new Map<string, PolicySpec>();
function parseSpec(text: string): PolicySpec {
  let spec = parsed.get(text);
  if (!spec) {
    if (parsed.size >= 1000) parsed.clear();
    spec = PolicySpec.parse(JSON.parse(text));
    parsed.set(text, spec);
  }
  // A copy: a caller changing its policy does not change another's.
  return structuredClone(spec);
}

const toPolicy = (r: PolicyRow): StoredPolicy => ({ id: r.id, spec: parseSpec(r.spec), createdAt: r.created_at, updatedAt: r.updated_at });

/** Policies, their members (an instance in one policy at most) and the history of their runs. */
export class PoliciesTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  list(): StoredPolicy[] {
    return (this.db.prepare('SELECT * FROM policies').all() as PolicyRow[]).map(toPolicy).sort((a, b) => a.spec.priority - b.spec.priority || a.spec.name.localeCompare(b.spec.name));
  }

  get(idOrName: string): StoredPolicy | undefined {
    const r = this.db.prepare('SELECT * FROM policies WHERE id = ? OR name = ? COLLATE NOCASE').get(idOrName, idOrName) as PolicyRow | undefined;
    return r && toPolicy(r);
  }

  insert(p: StoredPolicy): void {
    this.db.prepare('INSERT INTO policies(id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(p.id, p.spec.name, JSON.stringify(p.spec), p.createdAt, p.updatedAt);
    this.notify(['policies']);
  }

  update(id: string, spec: PolicySpec, at: string): void {
    this.db.prepare('UPDATE policies SET name = ?, spec = ?, updated_at = ? WHERE id = ?').run(spec.name, JSON.stringify(spec), at, id);
    this.notify(['policies']);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM policies WHERE id = ?').run(id);
    this.notify(['policies']);
  }

  /** Every member of every policy (rule evaluation needs who holds what). */
  allMembers(): MemberRow[] {
    return this.db.prepare('SELECT provider_id AS providerId, instance_id AS instanceId, policy_id AS policyId, source FROM policy_members').all() as MemberRow[];
  }

  memberOf(providerId: string, instanceId: string): MemberRow | undefined {
    return this.db
      .prepare('SELECT provider_id AS providerId, instance_id AS instanceId, policy_id AS policyId, source FROM policy_members WHERE provider_id = ? AND instance_id = ?')
      .get(providerId, instanceId) as MemberRow | undefined;
  }

  /** A policy's members with their names and the age of their newest restore point. */
  members(policyId: string): PolicyMember[] {
    return this.db
      .prepare(
        `SELECT m.provider_id AS providerId, m.instance_id AS instanceId, r.name AS instanceName,
                json_extract(r.data, '$.projectName') AS projectName, m.source, m.assigned_at AS assignedAt,
                (SELECT max(b.created_at) FROM backups b WHERE b.resource_id = m.instance_id) AS lastBackupAt
         FROM policy_members m
         LEFT JOIN resources r ON r.provider_id = m.provider_id AND r.kind = 'instance' AND r.id = m.instance_id
         WHERE m.policy_id = ? ORDER BY coalesce(r.name, m.instance_id)`,
      )
      .all(policyId) as PolicyMember[];
  }

  countMembers(policyId: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM policy_members WHERE policy_id = ?').get(policyId) as { n: number }).n;
  }

  /** Adds and removes members in one transaction; an instance already in another policy is not taken. */
  applyMembers(policyId: string, add: { providerId: string; instanceId: string; source: 'manual' | 'rule' }[], remove: { providerId: string; instanceId: string }[], at: string): number {
    let changed = 0;
    this.db.transaction(() => {
      const ins = this.db.prepare(
        `INSERT INTO policy_members(provider_id, instance_id, policy_id, source, assigned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(provider_id, instance_id) DO UPDATE SET source = excluded.source WHERE policy_id = excluded.policy_id AND excluded.source = 'manual'`,
      );
      const del = this.db.prepare('DELETE FROM policy_members WHERE policy_id = ? AND provider_id = ? AND instance_id = ?');
      for (const a of add) changed += ins.run(a.providerId, a.instanceId, policyId, a.source, at).changes;
      for (const r of remove) changed += del.run(policyId, r.providerId, r.instanceId).changes;
    })();
    if (changed > 0) this.notify(['policies']);
    return changed;
  }

  /** The instances rules are evaluated over (present ones; vanished instances leave no new member). */
  candidates(providerIds?: readonly string[]): RuleCandidate[] {
    const filter = providerIds?.length ? `AND provider_id IN (${providerIds.map(() => '?').join(', ')})` : '';
    const rows = this.db
      .prepare(
        `SELECT provider_id AS providerId, id, name, coalesce(project_id, '') AS projectId,
                json_extract(data, '$.projectName') AS projectName, json_extract(data, '$.domainId') AS domainId,
                json_extract(data, '$.availabilityZone') AS availabilityZone, json_extract(data, '$.tags') AS tags
         FROM resources WHERE kind = 'instance' AND vanished_at IS NULL ${filter}`,
      )
      .all(...(providerIds ?? [])) as (Omit<RuleCandidate, 'tags'> & { tags: string | null })[];
    return rows.map((r) => ({ ...r, tags: r.tags ? (JSON.parse(r.tags) as string[]) : [] }));
  }

  addRun(r: Omit<PolicyRun, 'id'>): PolicyRun {
    const info = this.db
      .prepare('INSERT INTO policy_runs(policy_id, schedule_id, due_at, at, outcome, message, job_ids) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.policyId, r.scheduleId, r.dueAt, r.at, r.outcome, r.message, JSON.stringify(r.jobIds));
    this.notify(['policies']);
    return { ...r, id: Number(info.lastInsertRowid) };
  }

  /** When a schedule last ran (or was skipped): the scheduler's memory across restarts. */
  lastDue(policyId: string, scheduleId: string): string | null {
    const r = this.db.prepare('SELECT max(due_at) AS d FROM policy_runs WHERE policy_id = ? AND schedule_id = ?').get(policyId, scheduleId) as { d: string | null };
    return r.d;
  }

  recentRuns(opts: { policyId?: string; limit: number }): PolicyRun[] {
    const rows = this.db
      .prepare(
        `SELECT id, policy_id AS policyId, schedule_id AS scheduleId, due_at AS dueAt, at, outcome, message, job_ids AS jobIds
         FROM policy_runs ${opts.policyId ? 'WHERE policy_id = ?' : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...(opts.policyId ? [opts.policyId, opts.limit] : [opts.limit])) as (Omit<PolicyRun, 'jobIds'> & { jobIds: string })[];
    return rows.map((r) => ({ ...r, jobIds: JSON.parse(r.jobIds) as string[] }));
  }
}
