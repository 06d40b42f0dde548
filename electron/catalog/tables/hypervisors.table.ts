import type Database from 'better-sqlite3';
import { type Hypervisor, HypervisorSsh } from '../../../shared/domain/inventory';
import type { NotifyChanged } from './notify';

/** How disks reach the workstation: through SSH, or directly over TLS on a port range of the host. */
export type HypervisorTransfer = HypervisorSsh['transfer'];

export interface HypervisorSshSettings {
  address: string | null;
  port: number;
  user: string | null;
  auth: 'key' | 'password' | null;
  secretId: string | null;
  hostKey: string | null;
  transfer: HypervisorTransfer;
}

/** NULL, or JSON a previous version may have written differently: anything unreadable is SSH. */
function parseTransfer(json: string | null): HypervisorTransfer {
  if (!json) return { kind: 'ssh' };
  const t = HypervisorSsh.shape.transfer.safeParse(JSON.parse(json));
  return t.success ? t.data : { kind: 'ssh' };
}

export interface StoredHypervisor {
  providerId: string;
  hostname: string;
  data: Hypervisor;
  ssh: HypervisorSshSettings;
  seenAt: string;
  vanishedAt: string | null;
}

interface Row {
  provider_id: string;
  hostname: string;
  data: string;
  ssh_address: string | null;
  ssh_port: number;
  ssh_user: string | null;
  ssh_auth: string | null;
  ssh_secret_id: string | null;
  host_key: string | null;
  transfer: string | null;
  seen_at: string;
  vanished_at: string | null;
}

const toStored = (r: Row): StoredHypervisor => ({
  providerId: r.provider_id,
  hostname: r.hostname,
  data: JSON.parse(r.data) as Hypervisor,
  ssh: {
    address: r.ssh_address,
    port: r.ssh_port,
    user: r.ssh_user,
    auth: r.ssh_auth === 'key' || r.ssh_auth === 'password' ? r.ssh_auth : null,
    secretId: r.ssh_secret_id,
    hostKey: r.host_key,
    transfer: parseTransfer(r.transfer),
  },
  seenAt: r.seen_at,
  vanishedAt: r.vanished_at,
});

/** Hypervisors found by sync, with the SSH settings an admin gives them (kept across syncs). */
export class HypervisorsTable {
  constructor(
    private readonly db: Database.Database,
    private readonly notify: NotifyChanged,
  ) {}

  upsertFromSync(providerId: string, items: Hypervisor[], seenAt: string): void {
    const stmt = this.db.prepare(
      `INSERT INTO hypervisors(provider_id, hostname, data, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(provider_id, hostname) DO UPDATE SET data = excluded.data, seen_at = excluded.seen_at, vanished_at = NULL`,
    );
    this.db.transaction(() => {
      for (const h of items) stmt.run(providerId, h.hostname, JSON.stringify(h), seenAt);
      this.db.prepare('UPDATE hypervisors SET vanished_at = ? WHERE provider_id = ? AND seen_at < ? AND vanished_at IS NULL').run(seenAt, providerId, seenAt);
    })();
    this.notify(['hypervisors']);
  }

  list(providerId: string): StoredHypervisor[] {
    return (this.db.prepare('SELECT * FROM hypervisors WHERE provider_id = ? ORDER BY hostname').all(providerId) as Row[]).map(toStored);
  }

  get(providerId: string, hostname: string): StoredHypervisor | undefined {
    const r = this.db.prepare('SELECT * FROM hypervisors WHERE provider_id = ? AND hostname = ?').get(providerId, hostname) as Row | undefined;
    return r && toStored(r);
  }

  /** Creates the row when an admin configures a host before the first sync. */
  setSsh(providerId: string, hostname: string, ssh: HypervisorSshSettings): void {
    this.db
      .prepare(
        `INSERT INTO hypervisors(provider_id, hostname, data, seen_at, ssh_address, ssh_port, ssh_user, ssh_auth, ssh_secret_id, host_key, transfer)
         VALUES (@p, @h, @data, @now, @address, @port, @user, @auth, @secretId, @hostKey, @transferJson)
         ON CONFLICT(provider_id, hostname) DO UPDATE SET ssh_address = @address, ssh_port = @port, ssh_user = @user, ssh_auth = @auth,
           ssh_secret_id = @secretId, host_key = @hostKey, transfer = @transferJson`,
      )
      .run({
        p: providerId,
        h: hostname,
        data: JSON.stringify({ hostname, serviceHost: hostname, state: null, status: null, type: null, hostIp: null, runningVms: null } satisfies Hypervisor),
        now: new Date(0).toISOString(),
        address: ssh.address,
        port: ssh.port,
        user: ssh.user,
        auth: ssh.auth,
        secretId: ssh.secretId,
        hostKey: ssh.hostKey,
        transferJson: ssh.transfer.kind === 'ssh' ? null : JSON.stringify(ssh.transfer),
      });
    this.notify(['hypervisors']);
  }

  /** Pins the host key seen on the first connection; a later, different key is refused by the caller. */
  pinHostKey(providerId: string, hostname: string, hostKey: string): void {
    this.db.prepare('UPDATE hypervisors SET host_key = ? WHERE provider_id = ? AND hostname = ?').run(hostKey, providerId, hostname);
    this.notify(['hypervisors']);
  }
}
