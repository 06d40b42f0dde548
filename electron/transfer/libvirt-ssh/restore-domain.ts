import path from 'node:path';
import type { EngineProgress, Repository } from '../../engine';
import type { NbdTransfer } from './direct-transfer';
import { checkDomainName, rewriteDomainXml, type RestoredDisk } from './domain-define';
import { describeSource } from './domain-xml';
import { timeToken } from './disk-state';
import { TransferError } from './errors';
import { createImage, restoreDiskOverSsh } from './restore-disk';
import type { SshSession } from './ssh';

/** One disk as a libvirt-strategy backup records it (manifest metadata `libvirt.disks`). */
export interface LibvirtDiskRecord {
  target: string;
  bus: string | null;
  kind: 'file' | 'rbd';
  /** the format of Nova's file (qcow2, raw), raw for RBD */
  format: string;
  serial: string | null;
  size: number;
  path?: string;
  pool?: string;
  image?: string;
  rbdUser?: string | null;
}

export interface RestoreDomainOptions {
  /** the restore point: group and time of its manifest */
  ref: { group: string; time: string };
  disks: readonly LibvirtDiskRecord[];
  /** the persistent definition the backup saved */
  domainXml: string;
  /** the new domain's name; refused before anything is written when the host has one by that name */
  name: string;
  transfer: NbdTransfer;
  verify: boolean;
  signal?: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  onProgress?: (disk: string, p: EngineProgress) => void;
  /** what it does now, for a job's phase */
  onStep?: (step: RestoreDomainStep) => void;
}

export type RestoreDomainStep = { kind: 'write' | 'verify'; disk: string } | { kind: 'define' | 'start' };

/**
 * The libvirt writer for a whole instance, as the reference product restores: disks recreated on
 * the hypervisor by their backend (files next to Nova's instance folders, RBD images in the
 * original pool), then the saved definition, renamed and re-pointed, given to `virsh define` and
 * started. Nova does not know this domain: it is for recovery when the cloud cannot rebuild it.
 */
export async function restoreDomain(ssh: SshSession, repo: Repository, o: RestoreDomainOptions): Promise<{ domainName: string; started: boolean }> {
  checkDomainName(o.name);
  const names = (await ssh.run(['virsh', 'list', '--all', '--name'], o.signal ? { signal: o.signal } : {})).split('\n').map((n) => n.trim());
  if (names.includes(o.name)) {
    throw new TransferError(`The hypervisor already has a domain named "${o.name}": choose another name for the restored instance. Nothing was written.`);
  }
  const token = timeToken();
  const firstFile = o.disks.find((d) => d.kind === 'file' && d.path);
  // next to Nova's instance folders: same filesystem, same permissions for QEMU
  const dir = firstFile?.path
    ? path.posix.join(path.posix.dirname(path.posix.dirname(firstFile.path)), `backstack-restored-${token}`)
    : `/var/lib/libvirt/images/backstack-restored-${token}`;
  const restored: RestoredDisk[] = [];
  if (o.disks.some((d) => d.kind === 'file')) await ssh.run(['mkdir', '-p', '--', dir]);
  for (const d of o.disks) {
    const r: RestoredDisk =
      d.kind === 'file'
        ? { target: d.target, source: { kind: 'file', path: path.posix.join(dir, `${d.target}.qcow2`) }, format: 'qcow2' }
        : {
            target: d.target,
            source: { kind: 'rbd', pool: d.pool ?? 'volumes', image: `backstack-restored-${token}-${d.target}`, snapshot: null, user: d.rbdUser ?? null },
            format: 'raw',
          };
    await createImage(ssh, r, d.size);
    o.log('info', `Writing ${d.target} into ${describeSource(r.source)}.`);
    o.onStep?.({ kind: 'write', disk: d.target });
    const written = await restoreDiskOverSsh(ssh, repo, {
      group: o.ref.group,
      backup: o.ref.time,
      disk: d.target,
      target: r,
      transfer: o.transfer,
      verify: o.verify,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: (p: EngineProgress) => o.onProgress?.(d.target, p) } : {}),
      onVerifying: () => o.onStep?.({ kind: 'verify', disk: d.target }),
    });
    if (written.sha256) o.log('info', `Disk ${d.target}: verified on the hypervisor, sha256 ${written.sha256}.`);
    restored.push(r);
  }
  const xml = rewriteDomainXml(o.domainXml, o.name, restored);
  o.onStep?.({ kind: 'define' });
  await ssh.run(['virsh', 'define', '/dev/stdin'], { input: xml });
  o.log('info', `Domain ${o.name} defined.`);
  o.onStep?.({ kind: 'start' });
  await ssh.run(['virsh', 'start', '--domain', o.name]);
  return { domainName: o.name, started: true };
}
