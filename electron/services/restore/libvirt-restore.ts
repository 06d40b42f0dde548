import { defaultRestoreName } from '../../../shared/domain/backups';
import { AppError } from '../../../shared/errors/codes';
import type { Repository } from '../../engine';
import { restoreDomain, type RestoreDomainStep } from '../../transfer/libvirt-ssh';
import { logTransfer, type HypervisorsService } from '../hypervisors/hypervisors.service';
import type { RestoreCommon } from './nova-restore';

export interface LibvirtRestoreContext extends RestoreCommon {
  repo: Repository;
  hypervisors: HypervisorsService;
  /** hash what was written and compare with the image on the hypervisor before the domain starts */
  verify: boolean;
}

/**
 * Restore onto a hypervisor with `virsh define` (the libvirt writer, transfer/libvirt-ssh): for
 * recovery when the cloud itself cannot rebuild the server. Nova does not know the domain.
 */
export async function restoreThroughLibvirt(c: LibvirtRestoreContext): Promise<{ domainName: string; host: string; started: boolean }> {
  const { backup: b, params: p, signal } = c;
  if (!b.domainXml) throw new AppError('unsupported', 'This backup has no saved domain definition: restore it through Nova.');
  const host = p.host ?? b.host;
  if (!host) throw new AppError('validation.invalidInput', 'Name the hypervisor to define the domain on.');
  const hv = c.hypervisors.forServer(c.providerId, host, host);
  const transfer = c.hypervisors.transferOf(hv);
  c.progress(`Connecting to ${hv.hostname}`);
  const ssh = await c.hypervisors.connect(hv, signal);
  logTransfer(transfer, c.log);
  const phase = (s: RestoreDomainStep): string => {
    if (s.kind === 'write') return `Writing disk ${s.disk}`;
    if (s.kind === 'verify') return `Verifying disk ${s.disk}`;
    return s.kind === 'define' ? `Defining the domain on ${hv.hostname}` : 'Starting the domain';
  };
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
      onStep: (s) => c.progress(phase(s)),
      onProgress: (disk, e) => c.progress(`Writing disk ${disk}`, { done: e.bytesDone, total: e.bytesTotal }),
    });
    return { ...r, host: hv.hostname };
  } finally {
    ssh.close();
  }
}
