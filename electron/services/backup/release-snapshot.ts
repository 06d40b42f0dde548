import type { ReleasedSnapshot } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import { releaseSnapshots } from '../../transfer/libvirt-ssh';
import type { StrategyDeps } from '../strategy';
import { findServer } from './metadata';

/**
 * Releases what this installation keeps on an instance's hypervisor for incrementals: its RBD
 * snapshots removed (Cinder cannot delete a volume that has one), and any overlay an earlier
 * version kept on a file disk merged back; another installation's stay. File disks keep nothing
 * on the host (their changes are found by block digests), so their incrementals go on.
 * Refused while a backup of the instance runs here (it reads the kept snapshot).
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
      const rbd = r.released.some((x) => x.includes(': RBD snapshot '));
      const message = r.released.length
        ? `Released ${r.released.length} snapshot(s) of ${server.name} on ${server.host}${rbd ? '; the next backup of its Ceph disks is full' : ''}.`
        : `This installation keeps no snapshot of ${server.name} on ${server.host}.`;
      return { instanceId: server.id, instanceName: server.name, host: server.host, released: r.released, others: r.others, nextBackupFull: rbd, message };
    } finally {
      ssh.close();
    }
  } finally {
    await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
  }
}
