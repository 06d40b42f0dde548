import { BackupNotFoundError, findBackup, startBackup, type EngineProgress, type Manifest, type Repository } from '../../engine';
import { backupOneDisk, type DiskPlanEntry } from './backup-disk';
import type { BlockDigests } from './block-diff';
import { readTracking, writeTracking } from './change-tracking';
import { fileDiskState, frozenImage, newToken, overlayPath, planAfterFailure, planAfterSuccess, planRepair, repairLog, type DiskState, type Owner, type RepairAction } from './disk-state';
import { SshConnectionLostError, TransferError } from './errors';
import { runHook, type SnapshotHook } from './hooks';
import { killRemoteNbd } from './remote-nbd';
import { ReaderQueue } from './nbd-reader';
import type { NbdTransfer } from './direct-transfer';
import { createSnapshot, dumpDomain, domainState, readDiskStates, runActions } from './snapshot-ops';
import type { SshSession } from './ssh';

/**
 * One backup of a libvirt domain over SSH: repair leftovers, snapshot all disks at once,
 * stream the frozen data (everything, or what changed since the last backup: by block digests
 * for file disks, from the kept RBD snapshot for Ceph disks) into the engine, commit, then merge
 * back what is no longer needed. File disks keep nothing on the host (change-tracking.ts says
 * why). Whatever fails after the snapshot exists, the host is brought back to where it was.
 */

export interface KeptState {
  token: string;
  disks: string[];
}

export interface InstanceBackupOptions {
  /** this installation and job (named in every overlay and RBD snapshot), and which of its jobs still run */
  owner: Owner & { jobId: string };
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
  if (stopped) o.log('info', `Domain ${o.domainName} is shut off: its file disks are read as they are; its RBD disks in full, through a snapshot that is not kept.`);

  const parent = await findBackup(o.repo, o.group, 'latest').catch((e: unknown) => (e instanceof BackupNotFoundError ? null : Promise.reject(e)));
  // Only RBD snapshots are kept: an overlay kept on a file disk by an earlier version counts as
  // a leftover and is merged back by the repair (it would be lost at Nova's next power-on).
  const keptRaw = (parent?.source.kept as KeptState | null | undefined) ?? null;
  const tracked = parent ? await readTracking(o.repo, parent).catch((e: unknown) => {
    o.log('warn', `The block digests of the last backup could not be read (${(e as Error).message}): file disks are backed up in full.`);
    return new Map<string, BlockDigests>();
  }) : new Map<string, BlockDigests>();

  // 1. Bring the host to a known state: the kept snapshot survives, our leftovers of jobs no
  // longer running go, another installation's and our running jobs' are left alone.
  let domain = dumped.value;
  const exclude = o.exclude ?? [];
  for (const x of exclude) if (!domain.disks.some((d) => d.target === x)) o.log('warn', `Disk ${x} to exclude is not a disk of ${o.domainName}.`);
  let states = await readDiskStates(ssh, domain, exclude, { asIs: stopped });
  const rbdTargets = new Set(states.filter((s) => s.kind === 'rbd').map((s) => s.disk.target));
  const kept = keptRaw && { token: keptRaw.token, disks: keptRaw.disks.filter((d) => rbdTargets.has(d)) };
  // merging overlays needs a running domain: a shut-off one's are merged by its next backup
  const repair = stopped ? { actions: [], verdicts: [] } : planRepair(states, { ...o.owner, keptToken: kept?.token ?? null, keptDisks: kept?.disks ?? [] });
  for (const e of repairLog(repair.verdicts)) o.log(e.level, e.message);
  if (repair.actions.length) {
    await runActions(ssh, o.domainName, repair.actions, (m) => o.log('info', m));
    domain = await dumpDomain(ssh, o.domainName, o.signal);
    states = await readDiskStates(ssh, domain, exclude);
  }
  if (states.length === 0) throw new TransferError(`Domain ${o.domainName} has no disk to back up (all excluded, or none of type file or RBD).`);

  const plan: DiskPlanEntry[] = states.map((s) => {
    const v = repair.verdicts.find((x) => x.target === s.disk.target);
    const inParent = parent?.disks.some((d) => d.name === s.disk.target) ?? false;
    const previous = s.kind === 'file' ? (tracked.get(s.disk.target) ?? null) : null;
    const entry = (incremental: boolean, reason: string | null): DiskPlanEntry => ({
      state: s,
      incremental,
      reason,
      fromSnapshot: incremental && s.kind === 'rbd' && kept ? `backstack-${kept.token}` : null,
      previous: incremental ? previous : null,
      keepNew: s.kind === 'rbd' && keep && (v?.keepNew ?? true),
    });
    if (o.mode === 'full') return entry(false, 'a full backup was asked for');
    if (!inParent) return entry(false, parent ? 'the last backup has no such disk' : 'there is no earlier backup');
    if (s.kind === 'file') {
      return previous ? entry(true, null) : entry(false, 'the last backup kept no block digests of it');
    }
    if (stopped) return entry(false, 'the instance is shut off (RBD disks are incremental from the snapshot of a running instance)');
    if (!v?.keptValid) return entry(false, v?.reason ?? 'no snapshot kept');
    return entry(true, null);
  });
  for (const p of plan) {
    if (!p.incremental && o.mode !== 'full') o.log(o.mode === 'incremental' ? 'warn' : 'info', `Disk ${p.state.disk.target}: full backup, because ${p.reason}.`);
  }
  const incremental = plan.some((p) => p.incremental);
  const keptDisks = plan.filter((p) => p.keepNew).map((p) => p.state.disk.target);

  // 2. One crash-consistent point for all disks (a shut-off domain's files need none).
  const token = newToken(o.owner);
  const snapped = stopped ? states.filter((s) => s.kind === 'rbd') : states;
  const hook = (h: SnapshotHook | undefined, phase: 'pre' | 'post'): SnapshotHook | undefined => {
    if (h?.where === 'guest' && stopped) o.log('warn', `The ${phase}-snapshot command runs in the guest, which is shut off: skipped.`);
    return h?.where === 'guest' && stopped ? undefined : h;
  };
  const pre = hook(o.hooks?.pre, 'pre');
  const post = hook(o.hooks?.post, 'post');
  try {
    if (pre) await runHook(ssh, pre, 'pre', o.log);
    // a paused guest is already still: it is neither paused again nor resumed (a resume would undo the pause of whoever made it)
    if (snapped.length) await createSnapshot(ssh, domain, snapped, token, { log: (m) => o.log('info', m), running: state.value === 'running' });
  } finally {
    if (post) await runHook(ssh, post, 'post', o.log).catch((e: unknown) => o.log('warn', `Post-snapshot command: ${(e as Error).message}`));
  }
  if (snapped.length) o.log('info', `Snapshot backstack-${token} taken of ${snapped.map((s) => s.disk.target).join(', ')}.`);
  // Disk states as read after the snapshot (file chains with the new overlay on top): every
  // merge afterwards names the image that is really directly below.
  let after: DiskState[] = states;
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
        kept: keptDisks.length ? ({ token, disks: keptDisks } satisfies KeptState) : null,
      },
      ...(o.metadata ? { metadata: o.metadata } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (engine) => o.onProgress?.({ disk: engine.disk ?? '', index: current, count: plan.length, engine }),
      progressIntervalMs: 250,
    });
    const disks: Record<string, unknown>[] = [];
    const digests = new Map<string, BlockDigests>();
    try {
      if (!stopped && states.some((s) => s.kind === 'file')) {
        const read = await chainsAfterSnapshot(ssh, o.domainName, states, token);
        after = read.states;
        if (read.problem) throw new TransferError(read.problem);
      }
      for (const [index, p] of plan.entries()) {
        current = index;
        const reader = readers.take(index < plan.length - 1);
        const r = await backupOneDisk(o, ssh, writer, p, token, reader, (n) => (transferred += n), (sock) => sockets.push(sock));
        disks.push(r.record);
        if (r.digests) digests.set(p.state.disk.target, r.digests);
      }
      const xml = await inactiveXml;
      // Nothing stops Nova from starting a shut-off domain while its files are read (qemu-nbd's
      // read-only open shares write access): a start meanwhile makes the copy unusable.
      if (stopped && (await domainState(ssh, o.domainName)) !== 'shut off') {
        throw new TransferError(`${o.domainName} was started while its disks were read, so the copy may be inconsistent. Run the backup again: it now takes a snapshot of the running instance.`);
      }
      manifest = await writer.commit({ metadata: { libvirt: { domain: domain.name, uuid: domain.uuid, disks, transferredBytes: transferred, xml } } });
      // after the commit: a restore point without digests only costs its successor a full read
      if (digests.size) {
        await writeTracking(o.repo, manifest, digests).catch((e: unknown) =>
          o.log('warn', `The block digests of this backup could not be kept (${(e as Error).message}): the next backup of its file disks is full.`),
        );
      }
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
    await runActions(ssh, o.domainName, after.flatMap(undo), (m) => o.log('info', m)).catch((c: unknown) =>
      o.log('warn', `Cleanup after the failure did not finish (${(c as Error).message}); the next run repairs it.`),
    );
    throw failure;
  }

  // 4. Committed: the previous kept snapshot (and this one, unless kept) is no longer needed.
  try {
    ssh = await usable(ssh, o.reconnect);
    const done = after.flatMap((s) => {
      if (stopped) return undo(s);
      const p = plan.find((x) => x.state.disk.target === s.disk.target);
      return planAfterSuccess(s, token, { keepNew: p?.keepNew ?? false, previous: repair.verdicts.find((v) => v.target === s.disk.target)?.kept ?? null });
    });
    await runActions(ssh, o.domainName, done, (m) => o.log('info', m));
  } catch (e) {
    o.log('warn', `The backup is complete, but merging old snapshots failed (${(e as Error).message}); the next run repairs it.`);
  }
  if (keptDisks.length) o.log('info', `Snapshot backstack-${token} of ${keptDisks.join(', ')} kept on the hypervisor for the next incremental backup.`);
  return { manifest, transferredBytes: transferred, plan: plan.map((p) => ({ target: p.state.disk.target, incremental: p.incremental, reason: p.reason })) };
}

async function usable(ssh: SshSession, reconnect: () => Promise<SshSession>): Promise<SshSession> {
  return ssh.isLost ? reconnect() : ssh;
}


/**
 * File chains read again once the snapshot exists. Our overlay must sit directly on the image
 * we planned to read (another backup of the same instance at the same instant, from another
 * installation, would put its overlay in between): otherwise the run stops, and its overlay is
 * merged into whatever is really below it (the states returned are the real chains).
 */
async function chainsAfterSnapshot(ssh: SshSession, domainName: string, states: DiskState[], token: string): Promise<{ states: DiskState[]; problem: string | null }> {
  const domain = await dumpDomain(ssh, domainName);
  const out = states.map((s) => {
    if (s.kind !== 'file') return s;
    const d = domain.disks.find((x) => x.target === s.disk.target);
    return d ? fileDiskState(d) : s;
  });
  for (const [i, s] of out.entries()) {
    const before = states[i]!;
    if (s.kind !== 'file' || before.kind !== 'file') continue;
    const below = s.overlays[1]?.path ?? s.original.path;
    if (s.overlays[0]?.path !== overlayPath(before, token) || below !== frozenImage(before).path) {
      return { states: out, problem: `The backing chain of ${s.disk.target} changed while the snapshot was taken (another backup of this instance at the same moment?): run the backup again.` };
    }
  }
  return { states: out, problem: null };
}
