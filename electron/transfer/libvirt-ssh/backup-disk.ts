import { formatBytes } from '../../../shared/format';
import type { Range, startBackup } from '../../engine';
import { dataRanges, overlayChanges, parseQemuImgInfo, parseQemuImgMap, parseRbdDiff, rbdChanges, rbdData, totalLength } from './allocation';
import type { InstanceBackupOptions } from './backup-instance';
import { describeSource } from './domain-xml';
import { frozenImage, rbdSnapName, type DiskState } from './disk-state';
import { TransferError } from './errors';
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
): Promise<Record<string, unknown>> {
  const s = p.state;
  const target = s.disk.target;
  const img: NbdImage =
    s.kind === 'file'
      ? { source: { kind: 'file', path: frozenImage(s).path }, format: frozenImage(s).format, readOnly: true }
      : { source: { kind: 'rbd', pool: s.pool, image: s.image, snapshot: null, user: s.user }, format: 'raw', readOnly: true, snapshot: rbdSnapName(token) };
  // The disk's layout, its NBD server and the thread that will read it (nbd-reader.ts, with its
  // own connection) come up together.
  const [layout, served] = await Promise.allSettled([diskLayout(ssh, p, token), serveRemoteNbd(ssh, img, o.signal, onSocket, o.transfer)]);
  const reader = served.status === 'fulfilled' && layout.status === 'fulfilled' ? await openReader(started, served.value, o.signal).catch((e: unknown) => e as Error) : null;
  if (layout.status === 'rejected' || served.status === 'rejected' || reader instanceof Error || !reader) {
    await started.dispose();
    if (served.status === 'fulfilled') await served.value.stop();
    throw layout.status === 'rejected' ? layout.reason : served.status === 'rejected' ? served.reason : reader;
  }
  const { size, data, changed, chain } = layout.value;
  const via = served.value.direct ? 'directly over TLS' : served.value.local ? 'through OpenSSH' : 'through the SSH connection';
  o.log('info', `Disk ${target} (${describeSource(s.disk.source)}): ${p.incremental ? `incremental, ${formatBytes(totalLength(changed ?? []))} changed` : `full, ${formatBytes(totalLength(data))} allocated`} of ${formatBytes(size)}, read ${via}.`);
  let bytes = 0;
  try {
    if (reader.size < size) throw new TransferError(`qemu-nbd serves ${reader.size} bytes of ${target}; the disk has ${size}.`);
    const source = nbdExtentSource(reader, size, {
      data,
      ...(o.depth ? { depth: o.depth } : {}),
      onBytes: (n) => {
        bytes += n;
        onBytes(n);
      },
    });
    const rec = await writer.addDisk({
      name: target,
      source,
      ...(changed ? { changedExtents: changed } : {}),
    });
    void rec;
  } finally {
    await reader.close();
    await served.value.stop();
  }
  return {
    target,
    bus: s.disk.bus,
    kind: s.kind,
    source: describeSource(s.disk.source),
    format: s.kind === 'file' ? s.original.format : 'raw',
    serial: s.disk.serial,
    ...(s.kind === 'rbd' ? { pool: s.pool, image: s.image, rbdUser: s.user } : { path: s.original.path }),
    size,
    chain,
    incremental: p.incremental,
    fullReason: p.reason,
    transferredBytes: bytes,
  };
}

/** Points the reader thread at a served disk: qemu-nbd's socket over its SSH connection, forwarded by OpenSSH, or the TLS port. */
function openReader(started: StartedReader, served: ServedNbd, signal?: AbortSignal): Promise<NbdReader> {
  return started.open(served.direct ? { kind: 'direct', ...served.direct } : served.local ? { kind: 'local', path: served.local } : { kind: 'ssh', socket: served.socket }, signal);
}

/** A frozen disk's size, allocated ranges, changes since the kept snapshot and backing chain. */
async function diskLayout(ssh: SshSession, p: DiskPlanEntry, token: string): Promise<{ size: number; data: Range[]; changed: Range[] | undefined; chain: unknown }> {
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
      changed: p.incremental ? overlayChanges(map) : undefined,
      chain: info.map((i) => ({ file: i.filename, format: i.format, virtualSize: i.virtualSize })),
    };
  }
  const snap = `${s.pool}/${s.image}@${rbdSnapName(token)}`;
  const from = p.incremental && p.fromSnapshot ? p.fromSnapshot : undefined;
  const [info, diff] = await Promise.all([
    ssh.run(['rbd', ...rbdArgs(s.user), 'info', '--format', 'json', snap]).then((j) => JSON.parse(j) as { size: number }),
    ssh.run(['rbd', ...rbdArgs(s.user), 'diff', '--whole-object', '--format', 'json', ...(from ? ['--from-snap', from] : []), snap]).then(parseRbdDiff),
  ]);
  return { size: info.size, data: rbdData(diff), changed: from ? rbdChanges(diff) : undefined, chain: null };
}

