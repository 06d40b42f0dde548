import type Database from 'better-sqlite3';

/**
 * Per policy: a member is behind its RPO when its newest restore point (or, without one, the
 * time it joined), and the policy's last change (`since`), are both older than `breachedBefore`
 * (null: no RPO applies). `rpoMs`: the nominal RPO the furthest-behind list measures ages against.
 */
export type RpoCutoffs = Record<string, { breachedBefore: string | null; since: string; rpoMs: number | null }>;

export interface PolicyCounts {
  policyId: string;
  members: number;
  protected: number;
  unprotected: number;
  backupFailed: number;
  rpoBreached: number;
  oldestNewestAt: string | null;
}

export interface DayBytes {
  destinationId: string;
  /** YYYY-MM-DD (UTC), or '' for the days before the window */
  day: string;
  bytes: number;
  logical: number;
  points: number;
}

export interface MemberStatusRow {
  policyId: string;
  providerId: string;
  instanceId: string;
  status: 'protected' | 'unprotected' | 'failed' | 'late';
}

export interface LagRow {
  policyId: string;
  providerId: string;
  instanceId: string;
  name: string;
  newestAt: string;
  ratio: number;
  status: 'protected' | 'failed' | 'late';
}

/**
 * Each member's newest restore point and status, worked out once (materialized) and read twice:
 * counts per policy, and the members furthest behind their RPO. Restore points are found on
 * backups_by_resource (one seek per member), failed backups on jobs_by_state (failures only, no
 * scan of the whole job history). A member is "failed" when a backup of it failed after its
 * newest restore point was taken, "late" when it is behind its RPO (RpoCutoffs), "unprotected"
 * when it has no restore point yet and is not behind.
 */
const STATUS = `
  WITH cut AS MATERIALIZED (
    SELECT key AS policy_id, value ->> '$.breachedBefore' AS before, value ->> '$.since' AS since, value ->> '$.rpoMs' AS rpo_ms FROM json_each(@cutoffs)
  ),
  newest AS (
    SELECT policy_id, provider_id, instance_id, max(assigned_at) AS assigned_at, max(newest_at) AS newest_at, max(failed_at) AS failed_at FROM (
      SELECT m.policy_id, m.provider_id, m.instance_id, m.assigned_at, NULL AS failed_at,
             (SELECT max(b.created_at) FROM backups b WHERE b.resource_kind = 'instance' AND b.resource_id = m.instance_id) AS newest_at
      FROM policy_members m
      UNION ALL
      SELECT m.policy_id, m.provider_id, m.instance_id, NULL, coalesce(j.finished_at, j.created_at), NULL
      FROM jobs j JOIN policy_members m ON m.provider_id = json_extract(j.params, '$.providerId') AND m.instance_id = json_extract(j.params, '$.instanceId')
      WHERE j.state IN ('failed', 'interrupted') AND j.kind = 'backup.instance'
    ) GROUP BY provider_id, instance_id
  ),
  status AS MATERIALIZED (
    SELECT n.*, c.rpo_ms, c.before,
           CASE WHEN n.failed_at IS NOT NULL AND (n.newest_at IS NULL OR n.failed_at > n.newest_at) THEN 'failed'
                WHEN c.before IS NOT NULL AND max(coalesce(n.newest_at, n.assigned_at), c.since) < c.before THEN 'late'
                WHEN n.newest_at IS NULL THEN 'unprotected'
                ELSE 'protected' END AS status
    FROM newest n LEFT JOIN cut c ON c.policy_id = n.policy_id
  )`;

const MEMBERS = `${STATUS},
  counts AS (
    SELECT policy_id, count(*) AS members, sum(status = 'protected') AS protected, sum(status = 'unprotected') AS unprotected,
           sum(status = 'failed') AS backupFailed, sum(status = 'late') AS rpoBreached, min(newest_at) AS oldestNewestAt
    FROM status GROUP BY policy_id
  ),
  lag AS (
    SELECT policy_id, provider_id, instance_id, newest_at, status, (julianday(@now) - julianday(newest_at)) * 86400000.0 / rpo_ms AS ratio
    FROM status WHERE newest_at IS NOT NULL AND before IS NOT NULL AND rpo_ms > 0 ORDER BY ratio DESC, instance_id LIMIT @lagLimit
  )
  SELECT
    (SELECT json_group_array(json_object('policyId', policy_id, 'members', members, 'protected', protected, 'unprotected', unprotected,
            'backupFailed', backupFailed, 'rpoBreached', rpoBreached, 'oldestNewestAt', oldestNewestAt)) FROM counts) AS counts,
    (SELECT json_group_array(json_object('policyId', l.policy_id, 'providerId', l.provider_id, 'instanceId', l.instance_id,
            'name', coalesce(r.name, l.instance_id), 'newestAt', l.newest_at, 'ratio', l.ratio, 'status', l.status))
     FROM lag l LEFT JOIN resources r ON r.provider_id = l.provider_id AND r.kind = 'instance' AND r.id = l.instance_id) AS lag`;

/** Read-only figures over several tables (policy members, backups, jobs, resources) for the dashboard. */
export class DashboardQueries {
  constructor(private readonly db: Database.Database) {}

  /**
   * Counts per policy (policies without members left out), and the `lagLimit` members of checked
   * policies (breachedBefore set) furthest behind their RPO, the worst first.
   */
  members(cutoffs: RpoCutoffs, now: string, lagLimit: number): { counts: PolicyCounts[]; lag: LagRow[] } {
    const row = this.db.prepare(MEMBERS).get({ cutoffs: JSON.stringify(cutoffs), now, lagLimit }) as { counts: string; lag: string };
    const lag = (JSON.parse(row.lag) as LagRow[]).sort((a, b) => b.ratio - a.ratio || a.name.localeCompare(b.name));
    return { counts: JSON.parse(row.counts) as PolicyCounts[], lag };
  }

  /** The status of each member of one policy (null: of every policy), as `members` counts them. */
  memberStatuses(cutoffs: RpoCutoffs, policyId: string | null): MemberStatusRow[] {
    return this.db
      .prepare(
        `${STATUS} SELECT policy_id AS policyId, provider_id AS providerId, instance_id AS instanceId, status FROM status
         WHERE @policyId IS NULL OR policy_id = @policyId`,
      )
      .all({ cutoffs: JSON.stringify(cutoffs), policyId }) as MemberStatusRow[];
  }

  /** Present instances, and those of them no policy holds. */
  instanceCounts(): { instances: number; inNoPolicy: number } {
    return this.db
      .prepare(
        `SELECT count(*) AS instances,
                coalesce(sum(NOT EXISTS (SELECT 1 FROM policy_members m WHERE m.provider_id = r.provider_id AND m.instance_id = r.id)), 0) AS inNoPolicy
         FROM resources r WHERE r.kind = 'instance' AND r.vanished_at IS NULL`,
      )
      .get() as { instances: number; inNoPolicy: number };
  }

  destinations(): { destinationId: string; name: string }[] {
    return this.db.prepare('SELECT id AS destinationId, name FROM destinations ORDER BY name').all() as { destinationId: string; name: string }[];
  }

  /**
   * Stored bytes and restore points per destination in one pass: those taken since `since` per
   * UTC day, the older ones together (day '').
   */
  bytesPerDay(since: string): DayBytes[] {
    return this.db
      .prepare(
        `SELECT destination_id AS destinationId, CASE WHEN created_at >= ? THEN substr(created_at, 1, 10) ELSE '' END AS day,
                sum(stored_bytes) AS bytes, sum(size_bytes) AS logical, count(*) AS points
         FROM backups GROUP BY 1, 2`,
      )
      .all(since) as DayBytes[];
  }

  /** Jobs created since `since`, counted per state and per hour after `since` (0 = the first hour). */
  jobsPerHour(since: string): { state: string; hour: number; n: number }[] {
    return this.db
      .prepare(
        `SELECT state, CAST((julianday(created_at) - julianday(@since)) * 24 AS INTEGER) AS hour, count(*) AS n
         FROM jobs WHERE created_at >= @since GROUP BY 1, 2`,
      )
      .all({ since }) as { state: string; hour: number; n: number }[];
  }
}
