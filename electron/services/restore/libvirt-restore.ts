import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import { rewriteDomainXml, type RestoredDisk } from '../../transfer/libvirt-ssh/domain-define';
import { describeSource } from '../../transfer/libvirt-ssh/domain-xml';
import { newToken } from '../../transfer/libvirt-ssh/disk-state';
import { createImage, remoteDiskSha256, restoreDiskOverSsh } from '../../transfer/libvirt-ssh/restore-disk';
import { hashingSink } from './verify-sink';
import { connectHypervisor, findHypervisor, logTransfer, nbdTransferOf } from '../backup/hypervisor-ssh';
import type { RestoreContext } from './nova-restore';

/**
 * Restore as the reference product does it: disks recreated on the hypervisor by their backend
 * (files next to Nova's instance folders, RBD images in the original pool), then the saved
 * domain definition, renamed and re-pointed, given to `virsh define` and started. Nova does not
 * know this domain: it is for recovery when the cloud itself cannot rebuild the server.
 */
export async function restoreThroughLibvirt(c: Omit<RestoreContext, 'client'>): Promise<{ domainName: string; host: string; started: boolean }> {
  const { backup: b, params: p, signal } = c;
  if (!b.domainXml) throw new AppError('unsupported', 'This backup has no saved domain definition: restore it through Nova.');
  const host = p.host ?? b.host;
  if (!host) throw new AppError('validation.invalidInput', 'Name the hypervisor to define the domain on.');
  const token = newToken();
  const domainName = p.name ?? `${b.serverName}-restored-${token.slice(-4)}`;
  const hv = findHypervisor(c.hypervisors, c.providerId, host, host);
  const transfer = nbdTransferOf(hv);
  const ssh = await connectHypervisor(c.hypervisors, c.secrets(), hv, signal);
  logTransfer(transfer, c.log);
  try {
    const firstFile = b.disks.find((d) => d.kind === 'file' && d.path);
    // next to Nova's instance folders: same filesystem, same permissions for QEMU
    const dir = firstFile?.path ? path.posix.join(path.posix.dirname(path.posix.dirname(firstFile.path)), `backstack-restored-${token}`) : `/var/lib/libvirt/images/backstack-restored-${token}`;
    const restored: RestoredDisk[] = [];
    if (b.disks.some((d) => d.kind === 'file')) await ssh.run(['mkdir', '-p', '--', dir]);
    for (const d of b.disks) {
      const r: RestoredDisk =
        d.kind === 'file'
          ? { target: d.target, source: { kind: 'file', path: path.posix.join(dir, `${d.target}.qcow2`) }, format: 'qcow2' }
          : { target: d.target, source: { kind: 'rbd', pool: d.pool ?? 'volumes', image: `backstack-restored-${token}-${d.target}`, snapshot: null, user: d.rbdUser ?? null }, format: 'raw' };
      await createImage(ssh, r, d.size);
      c.log('info', `Writing ${d.target} into ${describeSource(r.source)}.`);
      const holder: { hashed?: ReturnType<typeof hashingSink> } = {};
      await restoreDiskOverSsh(ssh, c.repo, {
        group: c.backupRef.group,
        backup: c.backupRef.time,
        disk: d.target,
        target: r,
        transfer,
        signal,
        onProgress: (e) => c.progress(`restore ${d.target}`, e.bytesDone, e.bytesTotal),
        wrapSink: (inner) => (c.verify ? (holder.hashed = hashingSink(inner)).sink : inner),
      });
      if (holder.hashed) {
        const digest = holder.hashed.digest();
        const remote = await remoteDiskSha256(ssh, r.source, r.format);
        if (remote !== digest) throw new AppError('internal', `Disk ${d.target} on the hypervisor does not match the backup after the restore (sha256 ${remote} ≠ ${digest}).`);
        c.log('info', `Disk ${d.target}: verified on the hypervisor, sha256 ${digest}.`);
      }
      restored.push(r);
    }
    const xml = rewriteDomainXml(b.domainXml, domainName, restored);
    await ssh.run(['virsh', 'define', '/dev/stdin'], { input: xml });
    c.log('info', `Domain ${domainName} defined on ${host}.`);
    await ssh.run(['virsh', 'start', '--domain', domainName]);
    return { domainName, host, started: true };
  } finally {
    ssh.close();
  }
}
