import { BackupNotFoundError, findBackup, startBackup, type EngineProgress, type Manifest, type Range, type Repository } from '../../engine';
import { dataRanges, overlayChanges, parseQemuImgInfo, parseQemuImgMap, parseRbdDiff, rbdChanges, rbdData, totalLength } from './allocation';
import { describeSource } from './domain-xml';
import { frozenImage, newToken, planAfterFailure, planAfterSuccess, planRepair, rbdSnapName, type DiskState, type RepairAction } from './disk-state';
import { SshConnectionLostError, TransferError } from './errors';
import { runHook, type SnapshotHook } from './hooks';
import { killRemoteNbd, nbdExtentSource, serveRemoteNbd, type NbdImage, type ServedNbd } from './remote-nbd';
import { ReaderQueue, type NbdReader, type StartedReader } from './nbd-reader';
import type { NbdTransfer } from './direct-transfer';
import { createSnapshot, dumpDomain, domainState, rbdArgs, readDiskStates, runActions } from './snapshot-ops';
import type { SshSession } from './ssh';

/**
 * One backup of a libvirt domain over SSH: repair leftovers, snapshot all disks at once,
 * stream the frozen data (everything, or what changed since the kept snapshot) into the
 * engine, commit, then merge back what is no longer needed. Whatever fails after the snapshot
 * exists, the host is brought back to where it was before the run.
 */

export interface KeptState {
  token: string;
  disks: string[];
}

export interface InstanceBackupOptions {
  /** a connected session to the instance's hypervisor */
  ssh: SshSession;
  /** opens a fresh session when the first one was lost (cleanup must still happen) */
  reconnect: () => Promise<SshSession>;
  domainName: string;
  repo: Repository;
  group: string;
  mode: 'full' | 'incremental' | 'auto';
  exclude?: readonly string[];
  /** keep this run's snapshot on the hypervisor for the next incremental (default true) */
  keepSnapshot?: boolean;
  /** what the manifest's `source` says besides what this function adds */
  sourceInfo: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  hooks?: { pre?: SnapshotHook; post?: SnapshotHook };
  signal?: AbortSignal;
  log: (level: 'info' | 'warn', message: string) => void;
  onProgress?: (p: { disk: string; index: number; count: number; engine: EngineProgress }) => void;
  /** NBD reads in flight per disk */
  depth?: number;
  /** how disk data reaches us: through the SSH connection (default) or directly over TLS */
  transfer?: NbdTransfer;
}

export interface DiskPlanEntry {
  state: DiskState;
  incremental: boolean;
  reason: string | null;
}

export interface InstanceBackupResult {
  manifest: Manifest;
  transferredBytes: number;
  plan: { target: string; incremental: boolean; reason: string | null }[];
}

export async function backupInstance(o: InstanceBackupOptions): Promise<InstanceBackupResult> {
  const readers = new ReaderQueue(o.transfer?.kind === 'direct' ? null : o.ssh.sibling);
  try {
    return await backupSteps(o, readers);
  } finally {
    await readers.dispose();
  }
}

async function backupSteps(o: InstanceBackupOptions, readers: ReaderQueue): Promise<InstanceBackupResult> {
  let ssh = o.ssh;
  // Independent reads run together: every remote command costs at least a round trip.
  const [state, dumped] = await Promise.allSettled([domainState(ssh, o.domainName), dumpDomain(ssh, o.domainName, o.signal)]);
  if (state.status === 'rejected') throw state.reason;
  // A shut-off domain's files are still: they are read as they are (a start meanwhile fails the
  // backup), RBD images through a snapshot; nothing is kept for an incremental.
  const stopped = state.value === 'shut off';
  if (!stopped && state.value !== 'running' && state.value !== 'paused') {
    throw new TransferError(`Domain ${o.domainName} is ${state.value}: the libvirt strategy backs up running or shut-off instances (wait until it is one or the other).`);
  }
  if (dumped.status === 'rejected') throw dumped.reason;
  const keep = !stopped && (o.keepSnapshot ?? true);
  if (stopped) o.log('info', `Domain ${o.domainName} is shut off: its disks are read as they are, in a full backup (an incremental needs the snapshot of a running instance).`);

  const parent = await findBackup(o.repo, o.group, 'latest').catch((e: unknown) => (e instanceof BackupNotFoundError ? null : Promise.reject(e)));
  const kept = (parent?.source.kept as KeptState | null | undefined) ?? null;

  // 1. Bring the host to a known state: the kept snapshot survives, anything else of ours goes.
  let domain = dumped.value;
  const exclude = o.exclude ?? [];
  for (const x of exclude) if (!domain.disks.some((d) => d.target === x)) o.log('warn', `Disk ${x} to exclude is not a disk of ${o.domainName}.`);
  let states = await readDiskStates(ssh, domain, exclude, { asIs: stopped });
  // merging overlays needs a running domain: a shut-off one's are merged by its next backup
  const repair = stopped ? { actions: [], verdicts: [] } : planRepair(states, kept?.token ?? null, kept?.disks ?? []);
  if (repair.actions.length) {
    o.log('warn', `Repairing what an earlier run left on the hypervisor (${repair.actions.length} step(s)).`);
    await runActions(ssh, o.domainName, repair.actions, (m) => o.log('info', m));
    domain = await dumpDomain(ssh, o.domainName, o.signal);
    states = await readDiskStates(ssh, domain, exclude);
  }
  if (states.length === 0) throw new TransferError(`Domain ${o.domainName} has no disk to back up (all excluded, or none of type file or RBD).`);

  const plan: DiskPlanEntry[] = states.map((s) => {
    const v = repair.verdicts.find((x) => x.target === s.disk.target);
    const inParent = parent?.disks.some((d) => d.name === s.disk.target) ?? false;
    if (stopped) return { state: s, incremental: false, reason: 'the instance is shut off' };
    if (o.mode === 'full') return { state: s, incremental: false, reason: 'a full backup was asked for' };
    if (!v?.keptValid) return { state: s, incremental: false, reason: v?.reason ?? 'no snapshot kept' };
    if (!inParent) return { state: s, incremental: false, reason: 'the last backup has no such disk' };
    return { state: s, incremental: true, reason: null };
  });
  for (const p of plan) {
    if (!p.incremental && o.mode !== 'full') o.log(o.mode === 'incremental' ? 'warn' : 'info', `Disk ${p.state.disk.target}: full backup, because ${p.reason}.`);
  }
  const incremental = plan.some((p) => p.incremental);

  // 2. One crash-consistent point for all disks (a shut-off domain's files need none).
  const token = newToken();
  const snapped = stopped ? states.filter((s) => s.kind === 'rbd') : states;
  const hook = (h: SnapshotHook | undefined, phase: 'pre' | 'post'): SnapshotHook | undefined => {
    if (h?.where === 'guest' && stopped) o.log('warn', `The ${phase}-snapshot command runs in the guest, which is shut off: skipped.`);
    return h?.where === 'guest' && stopped ? undefined : h;
  };
  const pre = hook(o.hooks?.pre, 'pre');
  const post = hook(o.hooks?.post, 'post');
  try {
    if (pre) await runHook(ssh, pre, 'pre', o.log);
    if (snapped.length) await createSnapshot(ssh, domain, snapped, token, { log: (m) => o.log('info', m), running: !stopped });
  } finally {
    if (post) await runHook(ssh, post, 'post', o.log).catch((e: unknown) => o.log('warn', `Post-snapshot command: ${(e as Error).message}`));
  }
  if (snapped.length) o.log('info', `Snapshot backstack-${token} taken of ${snapped.map((s) => s.disk.target).join(', ')}.`);
  const undo = (s: DiskState): RepairAction[] => (stopped && s.kind === 'file' ? [] : planAfterFailure(s, token));
  // The persistent definition, for a restore that defines the domain on a hypervisor (read
  // while the disks stream; the snapshot has already pointed it at the overlays).
  const inactiveXml = ssh.run(['virsh', 'dumpxml', '--inactive', '--domain', o.domainName], o.signal ? { signal: o.signal } : {});
  inactiveXml.catch(() => undefined); // awaited before the commit

  // 3. Stream the frozen data; on any failure merge the new snapshot back.
  let transferred = 0;
  let current = 0;
  const sockets: string[] = [];
  let manifest: Manifest;
  try {
    const writer = await startBackup(o.repo, {
      group: o.group,
      parent: incremental && parent ? parent.id : null,
      sourceInfo: {
        ...o.sourceInfo,
        backupKind: incremental ? 'incremental' : 'full',
        strategy: 'libvirt-ssh',
        instanceName: o.domainName,
        instanceState: state.value,
        kept: keep ? ({ token, disks: states.map((s) => s.disk.target) } satisfies KeptState) : null,
      },
      ...(o.metadata ? { metadata: o.metadata } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (engine) => o.onProgress?.({ disk: engine.disk ?? '', index: current, count: plan.length, engine }),
      progressIntervalMs: 250,
    });
    const disks: Record<string, unknown>[] = [];
    try {
      for (const [index, p] of plan.entries()) {
        current = index;
        const reader = readers.take(index < plan.length - 1);
        const r = await backupOneDisk(o, ssh, writer, p, token, reader, (n) => (transferred += n), (sock) => sockets.push(sock));
        disks.push(r);
      }
      const xml = await inactiveXml;
      // Nothing stops Nova from starting a shut-off domain while its files are read (qemu-nbd's
      // read-only open shares write access): a start meanwhile makes the copy unusable.
      if (stopped && (await domainState(ssh, o.domainName)) !== 'shut off') {
        throw new TransferError(`${o.domainName} was started while its disks were read, so the copy may be inconsistent. Run the backup again: it now takes a snapshot of the running instance.`);
      }
      manifest = await writer.commit({ metadata: { libvirt: { domain: domain.name, uuid: domain.uuid, disks, transferredBytes: transferred, xml } } });
    } catch (e) {
      await writer.abort();
      throw e;
    }
  } catch (e) {
    // A dropped connection surfaces as a closed NBD stream or channel: say what really happened.
    const failure = ssh.isLost && !o.signal?.aborted ? new SshConnectionLostError(ssh.host) : e;
    o.log('warn', `Backup ${o.signal?.aborted ? 'cancelled' : 'failed'}; merging snapshot backstack-${token} back.`);
    const wasLost = ssh.isLost;
    ssh = await usable(ssh, o.reconnect);
    // The host may not have noticed the drop yet: end our qemu-nbd servers before merging.
    if (wasLost) for (const sock of sockets) await killRemoteNbd(ssh, sock).catch(() => undefined);
    await runActions(ssh, o.domainName, states.flatMap(undo), (m) => o.log('info', m)).catch((c: unknown) =>
      o.log('warn', `Cleanup after the failure did not finish (${(c as Error).message}); the next run repairs it.`),
    );
    throw failure;
  }

  // 4. Committed: the previous kept snapshot (and this one, unless kept) is no longer needed.
  try {
    ssh = await usable(ssh, o.reconnect);
    await runActions(ssh, o.domainName, states.flatMap((s) => (stopped ? undo(s) : planAfterSuccess(s, token, keep))), (m) => o.log('info', m));
  } catch (e) {
    o.log('warn', `The backup is complete, but merging old snapshots failed (${(e as Error).message}); the next run repairs it.`);
  }
  if (keep) o.log('info', `Snapshot backstack-${token} kept on the hypervisor for the next incremental backup.`);
  return { manifest, transferredBytes: transferred, plan: plan.map((p) => ({ target: p.state.disk.target, incremental: p.incremental, reason: p.reason })) };
}

async function usable(ssh: SshSession, reconnect: () => Promise<SshSession>): Promise<SshSession> {
  return ssh.isLost ? reconnect() : ssh;
}

async function backupOneDisk(
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
  o.log('info', `Disk ${target} (${describeSource(s.disk.source)}): ${p.incremental ? `incremental, ${totalLength(changed ?? [])} bytes changed` : `full, ${totalLength(data)} bytes allocated`} of ${size}.`);
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

/** Points the reader thread at a served disk: qemu-nbd's socket over its SSH connection, or the TLS port. */
function openReader(started: StartedReader, served: ServedNbd, signal?: AbortSignal): Promise<NbdReader> {
  return started.open(served.direct ? { kind: 'direct', ...served.direct } : { kind: 'ssh', socket: served.socket }, signal);
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
  const from = p.incremental ? s.snapshots[0] : undefined;
  const [info, diff] = await Promise.all([
    ssh.run(['rbd', ...rbdArgs(s.user), 'info', '--format', 'json', snap]).then((j) => JSON.parse(j) as { size: number }),
    ssh.run(['rbd', ...rbdArgs(s.user), 'diff', '--whole-object', '--format', 'json', ...(from ? ['--from-snap', from.name] : []), snap]).then(parseRbdDiff),
  ]);
  return { size: info.size, data: rbdData(diff), changed: from ? rbdChanges(diff) : undefined, chain: null };
}

/**
 * Merges every overlay of ours back and removes our RBD snapshots: the instance runs on Nova's
 * own disks again (before a migration, a resize or a volume delete). The next backup is full.
 */
export async function releaseSnapshots(ssh: SshSession, domainName: string, log: (m: string) => void = () => undefined): Promise<number> {
  const domain = await dumpDomain(ssh, domainName);
  const { actions } = planRepair(await readDiskStates(ssh, domain, []), null, []);
  await runActions(ssh, domainName, actions, log);
  return actions.length;
}
