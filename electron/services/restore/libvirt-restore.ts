import { defaultRestoreName } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import { restoreDomain } from '../../transfer/libvirt-ssh';
import { logTransfer } from '../hypervisors/hypervisors.service';
import type { RestoreContext } from './nova-restore';

/**
 * Restore onto a hypervisor with `virsh define` (the libvirt writer, transfer/libvirt-ssh): for
 * recovery when the cloud itself cannot rebuild the server. Nova does not know the domain.
 */
export async function restoreThroughLibvirt(c: Omit<RestoreContext, 'client'>): Promise<{ domainName: string; host: string; started: boolean }> {
  const { backup: b, params: p, signal } = c;
  if (!b.domainXml) throw new AppError('unsupported', 'This backup has no saved domain definition: restore it through Nova.');
  const host = p.host ?? b.host;
  if (!host) throw new AppError('validation.invalidInput', 'Name the hypervisor to define the domain on.');
  const hv = c.hypervisors.forServer(c.providerId, host, host);
  const transfer = c.hypervisors.transferOf(hv);
  const ssh = await c.hypervisors.connect(hv, signal);
  logTransfer(transfer, c.log);
  try {
    const r = await restoreDomain(ssh, c.repo, {
      ref: c.backupRef,
      disks: b.disks,
      domainXml: b.domainXml,
      name: p.name ?? defaultRestoreName(b.serverName, b.createdAt),
      transfer,
      verify: c.verify,
      signal,
      log: c.log,
      onProgress: (disk, e) => c.progress(`restore ${disk}`, e.bytesDone, e.bytesTotal),
    });
    return { ...r, host: hv.hostname };
  } finally {
    ssh.close();
  }
}
