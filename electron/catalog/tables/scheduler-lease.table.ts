import type Database from 'better-sqlite3';

export interface LeaseHolder {
  owner: string;
  pid: number;
  hostname: string;
  runtime: string;
  since: string;
  heartbeatAt: string;
}

interface Row {
  owner: string;
  pid: number;
  hostname: string;
  runtime: string;
  since: string;
  heartbeat_at: string;
}

const toHolder = (r: Row): LeaseHolder => ({ owner: r.owner, pid: r.pid, hostname: r.hostname, runtime: r.runtime, since: r.since, heartbeatAt: r.heartbeat_at });

/**
 * One scheduler per catalog: the process holding this row runs schedules; another one finds it
 * and says who holds it. A holder that stopped beating (a crash, a sleeping laptop's killed
 * process) is replaced once `isStale` says so.
 */
export class SchedulerLeaseTable {
  constructor(private readonly db: Database.Database) {}

  holder(): LeaseHolder | null {
    const r = this.db.prepare('SELECT * FROM scheduler_lease WHERE singleton = 1').get() as Row | undefined;
    return r ? toHolder(r) : null;
  }

  /** Takes the lease when it is free, ours, or held by a stale holder; returns who holds it afterwards. */
  acquire(me: Omit<LeaseHolder, 'heartbeatAt' | 'since'>, at: string, isStale: (h: LeaseHolder) => boolean): LeaseHolder {
    return this.db
      .transaction(() => {
        const current = this.holder();
        if (current && current.owner !== me.owner && !isStale(current)) return current;
        const since = current?.owner === me.owner ? current.since : at;
        this.db
          .prepare(
            `INSERT INTO scheduler_lease(singleton, owner, pid, hostname, runtime, since, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(singleton) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, hostname = excluded.hostname,
               runtime = excluded.runtime, since = excluded.since, heartbeat_at = excluded.heartbeat_at`,
          )
          .run(me.owner, me.pid, me.hostname, me.runtime, since, at);
        return { ...me, since, heartbeatAt: at };
      })
      .immediate();
  }

  /** False when another process took the lease meanwhile (ours went stale): stop scheduling. */
  heartbeat(owner: string, at: string): boolean {
    return this.db.prepare('UPDATE scheduler_lease SET heartbeat_at = ? WHERE singleton = 1 AND owner = ?').run(at, owner).changes === 1;
  }

  release(owner: string): void {
    this.db.prepare('DELETE FROM scheduler_lease WHERE singleton = 1 AND owner = ?').run(owner);
  }
}
