import type { ReleasedSnapshot } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import { releaseSnapshots } from '../../transfer/libvirt-ssh';
import type { StrategyDeps } from '../strategy';
import { findServer } from './metadata';

/**
 * Releases what this installation keeps on an instance's hypervisor for incrementals: its
 * overlays merged back, its RBD snapshots removed; another installation's stay. Before a Nova
 * operation that rewrites the domain (migration, resize, rebuild), or to let Cinder delete a
 * volume. Refused while a backup of the instance runs here (it reads the kept snapshot).
 */
export async function releaseInstanceSnapshot(d: StrategyDeps, providerId: string, instanceId: string, signal?: AbortSignal): Promise<ReleasedSnapshot> {
  const provider = d.providers.get(providerId);
  const running = d.installation.backupRunning(instanceId);
  if (running) throw new AppError('validation.invalidInput', `A backup of this instance is running (job ${running}): release its snapshot once it has ended.`);
  const entries = d.providers.clients(provider.id);
  try {
    const { server } = await findServer(entries, instanceId, signal);
    if (!server.instanceName || !server.host) {
      throw new AppError('auth.forbidden', `Nova does not tell where ${server.name} runs: releasing its snapshot needs an admin account (OS-EXT-SRV-ATTR attributes).`);
    }
    const hv = d.hypervisors.forServer(provider.id, server.host, server.hypervisorHostname);
    const ssh = await d.hypervisors.connect(hv, signal);
    try {
      const r = await releaseSnapshots(ssh, server.instanceName, { installation: d.installation.id, isJobRunning: (t) => d.installation.isJobRunning(t) });
      const message = r.released.length
        ? `Released ${r.released.length} snapshot(s) of ${server.name} on ${server.host}; the next backup of this instance is full.`
        : `This installation keeps no snapshot of ${server.name} on ${server.host}; the next backup of this instance is full.`;
      return { instanceId: server.id, instanceName: server.name, host: server.host, released: r.released, others: r.others, nextBackupFull: true, message };
    } finally {
      ssh.close();
    }
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}
