import { restoreDisk, type EngineProgress, type Repository, type RestoreResult } from '../../engine';
import type { DiskSource } from './domain-xml';
import { TransferError } from './errors';
import type { NbdTransfer } from './direct-transfer';
import { nbdSink, openRemoteNbd } from './remote-nbd';
import { rbdArgs } from './snapshot-ops';
import type { HostShell } from './ssh';
import { hashingSink } from './verify-sink';

/**
 * Writes one disk of a backup into an image on the hypervisor through qemu-nbd (the same
 * channel as backups): a Nova server's disk file (qcow2 over _base, or raw), a new file, or an
 * RBD image. Holes become WRITE_ZEROES, so whatever the target held before reads as zeros.
 */
export interface RestoreTarget {
  source: DiskSource;
  /** qcow2 | raw */
  format: string;
}

export interface WrittenDisk extends RestoreResult {
  /** sha256 of the disk as written and as read back on the hypervisor, when verified */
  sha256: string | null;
}

/**
 * The writer of the libvirt strategy: one disk of a restore point into an image on the host.
 * With `verify`, what is written is hashed and compared with the image as the host reads it back
 * (before anything boots from it); a mismatch is an error naming both digests.
 */
export async function restoreDiskOverSsh(
  ssh: HostShell,
  repo: Repository,
  o: {
    group: string;
    backup: string;
    disk: string;
    target: RestoreTarget;
    /** how the data travels (default: inside the SSH connection) */
    transfer?: NbdTransfer;
    verify?: boolean;
    signal?: AbortSignal;
    onProgress?: (p: EngineProgress) => void;
    /** called once the data is written, when the hypervisor starts reading it back to verify it */
    onVerifying?: () => void;
    onBytes?: (n: number) => void;
  },
): Promise<WrittenDisk> {
  const nbd = await openRemoteNbd(ssh, { source: o.target.source, format: o.target.format, readOnly: false }, o.signal, undefined, o.transfer);
  const sink = nbdSink(nbd.client, o.onBytes ? { onBytes: o.onBytes } : {});
  const hashed = o.verify ? hashingSink(sink) : null;
  let result: RestoreResult;
  try {
    result = await restoreDisk(repo, {
      group: o.group,
      backup: o.backup,
      disk: o.disk,
      sink: hashed ? hashed.sink : sink,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress, progressIntervalMs: 250 } : {}),
    });
  } finally {
    await nbd.close();
  }
  if (!hashed) return { ...result, sha256: null };
  const digest = hashed.digest();
  o.onVerifying?.();
  const remote = await remoteDiskSha256(ssh, o.target.source, o.target.format);
  if (remote !== digest) throw new TransferError(`Disk ${o.disk} on the hypervisor does not match the backup after the restore (sha256 ${remote} ≠ ${digest}).`);
  return { ...result, sha256: digest };
}

/** A new, empty image to restore into: a file (qcow2 or raw) or an RBD image. */
export async function createImage(ssh: HostShell, target: RestoreTarget, size: number): Promise<void> {
  const s = target.source;
  if (s.kind === 'file') {
    await ssh.run(['qemu-img', 'create', '-q', '-f', target.format, s.path, String(size)]);
  } else if (s.kind === 'rbd') {
    await ssh.run(['rbd', ...rbdArgs(s.user), 'create', '--size', `${Math.ceil(size / 1048576)}M`, `${s.pool}/${s.image}`]);
  } else throw new TransferError(`Cannot create a disk of type ${s.kind} on the hypervisor.`);
}

/** sha256 of a disk's guest-visible content on the hypervisor (tests and verification). */
export async function remoteDiskSha256(ssh: HostShell, source: DiskSource, format: string, snapshot?: string): Promise<string> {
  const spec =
    source.kind === 'rbd'
      ? `json:${JSON.stringify({ driver: format, file: { driver: 'rbd', pool: source.pool, image: source.image, ...(snapshot ? { snapshot } : {}), ...(source.user ? { user: source.user } : {}) } })}`
      : source.kind === 'file'
        ? source.path
        : '';
  if (!spec) throw new TransferError(`Cannot read a disk of type ${source.kind}.`);
  // qemu-img cannot write raw to a pipe; `dd` of an NBD export would need another tool, so the
  // hypervisor converts to a temporary raw file, hashes it and removes it.
  const out = await ssh.script(
    'set -e; t=$(mktemp /tmp/backstack-sum.XXXXXX); trap \'rm -f "$t"\' EXIT; qemu-img convert -U -O raw "$@" "$t"; sha256sum < "$t" | cut -d" " -f1',
    [...(source.kind === 'file' ? ['-f', format] : []), spec],
  );
  const chunks: Buffer[] = [];
  out.stdout.on('data', (c: Buffer) => chunks.push(c));
  out.stdin.end();
  await out.done;
  return Buffer.concat(chunks).toString('utf8').trim();
}
