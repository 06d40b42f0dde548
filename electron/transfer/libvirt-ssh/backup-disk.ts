import { formatBytes } from '../../../shared/format';
import type { Range, startBackup } from '../../engine';
import { dataRanges, parseQemuImgInfo, parseQemuImgMap, parseRbdDiff, rbdChanges, rbdData, totalLength } from './allocation';
import type { InstanceBackupOptions } from './backup-instance';
import { describeSource } from './domain-xml';
import { blockAligned, BlockDigests } from './block-diff';
import { changedRanges, trackingBlockSize } from './change-tracking';
import { frozenImage, rbdSnapName, type DiskState } from './disk-state';
import { TransferError } from './errors';
import { remoteBlockDigests } from './remote-hash';
import { nbdExtentSource, serveRemoteNbd, type NbdImage, type ServedNbd } from './remote-nbd';
import type { NbdReader, StartedReader } from './nbd-reader';
import { rbdArgs } from './snapshot-ops';
import type { SshSession } from './ssh';

/** One disk of a backup: its frozen layer served by qemu-nbd on the host, read into the engine. */

export interface DiskPlanEntry {
  state: DiskState;
  incremental: boolean;
  reason: string | null;
  /** RBD: our kept snapshot an incremental diffs from */
  fromSnapshot: string | null;
  /** file disks: the block digests of the last backup an incremental compares with (change-tracking.ts) */
  previous: BlockDigests | null;
  /** this run's snapshot of the disk stays for the next incremental */
  keepNew: boolean;
}

export async function backupOneDisk(
  o: InstanceBackupOptions,
  ssh: SshSession,
  writer: Awaited<ReturnType<typeof startBackup>>,
  p: DiskPlanEntry,
  token: string,
  started: StartedReader,
  onBytes: (n: number) => void,
  onSocket: (socket: string) => void,
): Promise<{ record: Record<string, unknown>; digests: BlockDigests | null }> {
  const s = p.state;
  const target = s.disk.target;
  const img: NbdImage =
    s.kind === 'file'
      ? { source: { kind: 'file', path: frozenImage(s).path }, format: frozenImage(s).format, readOnly: true }
      : {
          source: { kind: 'rbd', pool: s.pool, image: s.image, snapshot: null, user: s.user },
          format: 'raw',
          readOnly: true,
          snapshot: rbdSnapName(token),
        };
  // The disk's layout, its NBD server and the thread that will read it (nbd-reader.ts, with its
  // own connection) come up together.
  const [layout, served] = await Promise.allSettled([diskLayout(ssh, p, token), serveRemoteNbd(ssh, img, o.signal, onSocket, o.transfer)]);
  const reader =
    served.status === 'fulfilled' && layout.status === 'fulfilled'
      ? await openReader(started, served.value, o.signal).catch((e: unknown) => e as Error)
      : null;
  if (layout.status === 'rejected' || served.status === 'rejected' || reader instanceof Error || !reader) {
    await started.dispose();
    if (served.status === 'fulfilled') await served.value.stop();
    throw layout.status === 'rejected' ? layout.reason : served.status === 'rejected' ? served.reason : reader;
  }
  const { size, data, chain } = layout.value;
  const plan: ReadPlan = { incremental: p.incremental, reason: p.reason, changed: layout.value.changed };
  // ends the host's hashing with the job, or when this disk's read fails: none of it outlives the disk's turn
  const hashStop = new AbortController();
  const stopHashing = (): void => hashStop.abort();
  o.signal?.addEventListener('abort', stopHashing, { once: true });
  let hashing: Promise<BlockDigests | null> = Promise.resolve(null);
  let bytes = 0;
  try {
    if (s.kind === 'file') {
      const blockSize = trackingBlockSize(size, o.repo.chunkSize);
      const hash = async (): Promise<BlockDigests> => {
        const d = new BlockDigests(size, blockSize);
        await remoteBlockDigests(ssh, img, blockAligned(data, blockSize, size), d, hashStop.signal);
        return d;
      };
      hashing = (await trackFileDisk(o, target, p.previous, plan, hash)).digests;
    }
    const via = served.value.direct ? 'directly over TLS' : served.value.local ? 'through OpenSSH' : 'through the SSH connection';
    o.log(
      'info',
      `Disk ${target} (${describeSource(s.disk.source)}): ${plan.incremental ? `incremental, ${formatBytes(totalLength(plan.changed ?? []))} changed` : `full, ${formatBytes(totalLength(data))} allocated`} of ${formatBytes(size)}, read ${via}.`,
    );
    if (reader.size < size) throw new TransferError(`qemu-nbd serves ${reader.size} bytes of ${target}; the disk has ${size}.`);
    const source = nbdExtentSource(reader, size, {
      data,
      ...(o.depth ? { depth: o.depth } : {}),
      onBytes: (n) => {
        bytes += n;
        onBytes(n);
      },
    });
    await writer.addDisk({ name: target, source, ...(plan.incremental && plan.changed ? { changedExtents: plan.changed } : {}) });
  } catch (e) {
    stopHashing();
    await hashing;
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', stopHashing);
    await reader.close();
    await served.value.stop();
  }
  const digests = await hashing;
  const record = {
    target,
    bus: s.disk.bus,
    kind: s.kind,
    source: describeSource(s.disk.source),
    format: s.kind === 'file' ? s.original.format : 'raw',
    serial: s.disk.serial,
    ...(s.kind === 'rbd' ? { pool: s.pool, image: s.image, rbdUser: s.user } : { path: s.original.path }),
    size,
    chain,
    incremental: plan.incremental,
    fullReason: plan.reason,
    transferredBytes: bytes,
  };
  return { record, digests };
}

/** What a disk's read covers: everything, or (incremental) the changed ranges; why it is full. */
interface ReadPlan {
  incremental: boolean;
  reason: string | null;
  changed: Range[] | undefined;
}

/**
 * File disks (change-tracking.ts): the block digests this backup keeps for the next one, and
 * what an incremental reads. An incremental hashes first (the digests that differ from the last
 * backup's say what to read); a full backup hashes while it reads (`digests` pending meanwhile).
 * What cannot be compared makes the disk full, saying why.
 */
async function trackFileDisk(
  o: InstanceBackupOptions,
  target: string,
  previous: BlockDigests | null,
  plan: ReadPlan,
  hash: () => Promise<BlockDigests>,
): Promise<{ digests: Promise<BlockDigests | null> }> {
  const full = (level: 'info' | 'warn', reason: string): void => {
    plan.incremental = false;
    plan.reason = reason;
    o.log(level, `Disk ${target}: full backup, because ${reason}.`);
  };
  if (plan.incremental && previous) {
    const now = await hash().catch((e: unknown) => (o.signal?.aborted ? Promise.reject(e) : (e as Error)));
    if (!(now instanceof Error) && now.size === previous.size && now.blockSize === previous.blockSize) {
      plan.changed = changedRanges(previous, now);
      return { digests: Promise.resolve(now) };
    }
    if (now instanceof Error) full('warn', `its blocks could not be hashed on the host (${now.message})`);
    else
      full(
        'info',
        now.size !== previous.size
          ? `its size changed (${formatBytes(previous.size)} → ${formatBytes(now.size)})`
          : 'its block digests were made for another chunk size',
      );
    return { digests: now instanceof Error ? Promise.resolve(null) : Promise.resolve(now) };
  }
  const digests = hash().catch((e: unknown) => {
    if (!o.signal?.aborted)
      o.log('warn', `Disk ${target}: its blocks could not be hashed on the host (${(e as Error).message}), so its next backup is full too.`);
    return null;
  });
  return { digests };
}

/** Points the reader thread at a served disk: qemu-nbd's socket over its SSH connection, forwarded by OpenSSH, or the TLS port. */
function openReader(started: StartedReader, served: ServedNbd, signal?: AbortSignal): Promise<NbdReader> {
  return started.open(
    served.direct
      ? { kind: 'direct', ...served.direct }
      : served.local
        ? { kind: 'local', path: served.local }
        : { kind: 'ssh', socket: served.socket },
    signal,
  );
}

/** A frozen disk's size, allocated ranges, backing chain and (RBD) changes since the kept snapshot. */
async function diskLayout(
  ssh: SshSession,
  p: DiskPlanEntry,
  token: string,
): Promise<{ size: number; data: Range[]; changed: Range[] | undefined; chain: unknown }> {
  const s = p.state;
  if (s.kind === 'file') {
    const frozen = frozenImage(s);
    const [info, map] = await Promise.all([
      ssh.run(['qemu-img', 'info', '-U', '--backing-chain', '--output=json', '-f', frozen.format, frozen.path]).then(parseQemuImgInfo),
      ssh.run(['qemu-img', 'map', '-U', '--output=json', '-f', frozen.format, frozen.path]).then(parseQemuImgMap),
    ]);
    return {
      size: info[0]!.virtualSize,
      data: dataRanges(map),
      changed: undefined,
      chain: info.map((i) => ({ file: i.filename, format: i.format, virtualSize: i.virtualSize })),
    };
  }
  const snap = `${s.pool}/${s.image}@${rbdSnapName(token)}`;
  const from = p.incremental && p.fromSnapshot ? p.fromSnapshot : undefined;
  const [info, diff] = await Promise.all([
    ssh.run(['rbd', ...rbdArgs(s.user), 'info', '--format', 'json', snap]).then((j) => JSON.parse(j) as { size: number }),
    ssh
      .run(['rbd', ...rbdArgs(s.user), 'diff', '--whole-object', '--format', 'json', ...(from ? ['--from-snap', from] : []), snap])
      .then(parseRbdDiff),
  ]);
  return { size: info.size, data: rbdData(diff), changed: from ? rbdChanges(diff) : undefined, chain: null };
}
