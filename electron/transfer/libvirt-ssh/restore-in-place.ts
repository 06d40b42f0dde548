import { findBackup, openDiskReader, restoreDisk, type DiskReader, type ExtentSink, type Range, type Repository } from '../../engine';
import { dataRanges, parseQemuImgInfo, parseQemuImgMap, parseRbdDiff, rbdChanges, rbdData, totalLength } from './allocation';
import type { KeptState } from './backup-instance';
import { blockAligned, BlockDigests, differingRuns, mismatchedBlocks, pickBlockSize, runRanges, type WriteRun } from './block-diff';
import type { NbdTransfer } from './direct-transfer';
import type { DiskSource } from './domain-xml';
import { TransferError } from './errors';
import { remoteBlockDigests } from './remote-hash';
import { nbdSink, openRemoteNbd, type NbdImage } from './remote-nbd';
import { rbdArgs } from './snapshot-ops';
import type { HostShell } from './ssh';

/**
 * The differential restore of one disk into the image an instance already has (it must be
 * stopped): the restore point's blocks are hashed here from the engine, the live disk's on the
 * hypervisor (remote-hash.ts), both at once; only the blocks that differ are written, through
 * qemu-nbd as a full restore writes; then those blocks are hashed again on the host. Every other
 * block already had the restore point's SHA-256, so the disk ends byte-identical to it.
 */

export interface LiveDisk {
  source: DiskSource;
  /** qcow2 | raw */
  format: string;
  /** a file: the token of the Backstack overlay directly above it in the domain's chain, if any */
  overlayAbove?: string | null;
}

/** A live disk's size and the ranges that hold data (the rest reads as zeros), without opening it for writing. */
export async function liveDiskLayout(ssh: HostShell, disk: LiveDisk, signal?: AbortSignal, keptToken?: string | null): Promise<{ size: number; data: Range[]; changedSinceKept: Range[] | null }> {
  const s = disk.source;
  const opt = signal ? { signal } : {};
  if (s.kind === 'file') {
    const [info, map] = await Promise.all([
      ssh.run(['qemu-img', 'info', '-U', '--output=json', '-f', disk.format, s.path], opt).then(parseQemuImgInfo),
      ssh.run(['qemu-img', 'map', '-U', '--output=json', '-f', disk.format, s.path], opt).then(parseQemuImgMap),
    ]);
    // The restore point's own overlay directly above this file: the file is the image that
    // backup froze (its earlier overlays were merged into it), so nothing in it changed since.
    const frozen = keptToken !== null && keptToken !== undefined && disk.overlayAbove === keptToken;
    return { size: info[0]!.virtualSize, data: dataRanges(map), changedSinceKept: frozen ? [] : null };
  }
  if (s.kind === 'rbd') {
    const image = `${s.pool}/${s.image}`;
    const rbd = (...args: string[]) => ssh.run(['rbd', ...rbdArgs(s.user), ...args, '--format', 'json', image], opt).then((j) => JSON.parse(j.trim() || '[]') as unknown);
    const snap = keptToken ? `backstack-${keptToken}` : null;
    const [info, snaps] = await Promise.all([rbd('info') as Promise<{ size: number }>, snap ? (rbd('snap', 'ls') as Promise<{ name: string }[]>) : []]);
    // The restore point's snapshot still there: what changed since it, exactly (each call to the cluster costs).
    if (snap && snaps.some((x) => x.name === snap)) {
      const changed = rbdChanges(parseRbdDiff(await ssh.run(['rbd', ...rbdArgs(s.user), 'diff', '--format', 'json', '--from-snap', snap, image], opt)));
      return { size: info.size, data: changed, changedSinceKept: changed };
    }
    const diff = parseRbdDiff(await ssh.run(['rbd', ...rbdArgs(s.user), 'diff', '--whole-object', '--format', 'json', image], opt));
    return { size: info.size, data: rbdData(diff), changedSinceKept: null };
  }
  const what = s.kind === 'block' ? `a block device (${s.path})` : `of type ${s.type}`;
  throw new TransferError(`This disk is ${what}: it cannot be restored in place (files and Ceph RBD images can). Run a full restore instead.`);
}

/** Something was written into the live disk before the restore failed: it is neither the old disk nor the restore point. */
export class PartialWriteError extends TransferError {
  constructor(
    readonly disk: string,
    readonly bytesWritten: number,
    cause: unknown,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)}`, false, { cause });
    this.name = 'PartialWriteError';
  }
}

export interface InPlaceResult {
  disk: string;
  size: number;
  blockSize: number;
  /** bytes of the blocks whose digests differed (what had to change) */
  differingBytes: number;
  /** bytes sent as WRITE plus bytes zeroed with WRITE_ZEROES */
  bytesWritten: number;
  /** bytes of the live disk hashed on the host before writing (its allocated data) */
  hashedRemote: number;
  /** only what was written since the restore point's kept snapshot was compared */
  keptSnapshot: boolean;
  /** the written blocks, hashed again on the host, match the restore point */
  verified: boolean;
  seconds: { compare: number; write: number; verify: number };
}

export type InPlaceStep = 'compare' | 'write' | 'verify';

export async function restoreDiskInPlace(
  ssh: HostShell,
  repo: Repository,
  o: {
    group: string;
    backup: string;
    disk: string;
    target: LiveDisk;
    transfer?: NbdTransfer;
    signal?: AbortSignal;
    onStep?: (step: InPlaceStep, bytes: { done: number; total: number }) => void;
  },
): Promise<InPlaceResult> {
  const img: NbdImage = { source: o.target.source, format: o.target.format, readOnly: false };
  const reader = await openDiskReader(repo, { group: o.group, backup: o.backup, disk: o.disk });
  const t0 = performance.now();
  let written = 0;
  const state = { started: false };
  try {
    const manifest = await findBackup(repo, o.group, o.backup);
    const kept = manifest.source.kept as KeptState | null | undefined;
    const layout = await liveDiskLayout(ssh, o.target, o.signal, kept?.disks.includes(o.disk) ? kept.token : null);
    if (layout.size !== reader.size) {
      throw new TransferError(
        `Disk ${o.disk} holds ${layout.size} bytes on the hypervisor and ${reader.size} in the restore point: it was resized since. Nothing was written; restore it as a new instance or volume instead.`,
      );
    }
    const record = manifest.disks.find((d) => d.name === o.disk);
    const bs = pickBlockSize(reader.size, record?.chunkSize ?? 4 * 1024 * 1024);
    const wanted = new BlockDigests(reader.size, bs);
    const live = new BlockDigests(reader.size, bs);
    o.onStep?.('compare', { done: 0, total: reader.size });
    // The restore point's snapshot still kept under the disk: only what the guest wrote since can
    // differ (the frozen image below is the restore point), so only that is compared.
    const since = layout.changedSinceKept ? blockAligned(layout.changedSinceKept, bs, reader.size) : null;
    // Both sides hash at once: the host its allocated ranges, this machine the restore point.
    const [hashedRemote] = await Promise.all([
      since?.length === 0 ? 0 : remoteBlockDigests(ssh, { ...img, readOnly: true }, since ?? blockAligned(layout.data, bs, reader.size), live, o.signal),
      since
        ? hashRanges(reader, since, wanted)
        : restoreDisk(repo, {
            group: o.group,
            backup: o.backup,
            disk: o.disk,
            sink: digestSink(wanted),
            ...(o.signal ? { signal: o.signal } : {}),
            onProgress: (p) => o.onStep?.('compare', { done: p.bytesDone, total: reader.size }),
            progressIntervalMs: 250,
          }),
    ]);
    const runs = differingRuns(wanted, live);
    const differingBytes = totalLength(runs);
    const t1 = performance.now();
    if (runs.length === 0) {
      return { disk: o.disk, size: reader.size, blockSize: bs, differingBytes: 0, bytesWritten: 0, hashedRemote, keptSnapshot: since !== null, verified: true, seconds: { compare: (t1 - t0) / 1000, write: 0, verify: 0 } };
    }
    o.onStep?.('write', { done: 0, total: differingBytes });
    written = await writeRuns(ssh, reader, img, runs, o, state, (n) => o.onStep?.('write', { done: n, total: differingBytes }));
    const t2 = performance.now();
    o.onStep?.('verify', { done: 0, total: differingBytes });
    const after = new BlockDigests(reader.size, bs);
    await remoteBlockDigests(ssh, { ...img, readOnly: true }, runRanges(runs, bs, reader.size), after, o.signal);
    const bad = mismatchedBlocks(wanted, after, runs);
    if (bad.count) {
      throw new TransferError(`Disk ${o.disk} does not match the restore point after writing: ${bad.count} blocks of ${bs} bytes differ, the first at byte ${bad.first}.`);
    }
    return {
      disk: o.disk,
      size: reader.size,
      blockSize: bs,
      differingBytes,
      bytesWritten: written,
      hashedRemote,
      keptSnapshot: since !== null,
      verified: true,
      seconds: { compare: (t1 - t0) / 1000, write: (t2 - t1) / 1000, verify: (performance.now() - t2) / 1000 },
    };
  } catch (e) {
    if (e instanceof PartialWriteError || !state.started) throw e;
    throw new PartialWriteError(o.disk, written, e);
  } finally {
    await reader.close();
  }
}

/** The restore point's digests of the blocks in `ranges` (block-aligned), read at random. */
async function hashRanges(reader: DiskReader, ranges: readonly Range[], into: BlockDigests): Promise<void> {
  const step = 4 * 1024 * 1024;
  for (const r of ranges) {
    for (let at = r.offset; at < r.offset + r.length; at += step) into.hashAt(at, await reader.read(at, Math.min(step, r.offset + r.length - at)));
  }
}

/** An engine sink that only hashes: the restore point's block digests, holes as zeros. */
function digestSink(into: BlockDigests): ExtentSink {
  return {
    open: async (size) => {
      if (size !== into.size) throw new TransferError(`The restore point's disk has ${size} bytes, not ${into.size}.`);
    },
    write: async (offset, data) => into.hashAt(offset, data),
    zero: async () => undefined, // the digests start as zeros
    finish: async () => undefined,
    abort: async () => undefined,
  };
}

/** Writes the runs through a writable qemu-nbd: data read from the restore point, zeros as WRITE_ZEROES. Returns the bytes written. */
async function writeRuns(
  ssh: HostShell,
  reader: DiskReader,
  img: NbdImage,
  runs: readonly WriteRun[],
  o: { disk: string; transfer?: NbdTransfer; signal?: AbortSignal },
  state: { started: boolean },
  onBytes: (n: number) => void,
): Promise<number> {
  const nbd = await openRemoteNbd(ssh, img, o.signal, undefined, o.transfer);
  let done = 0;
  try {
    const sink = nbdSink(nbd.client);
    await sink.open(reader.size);
    try {
      for (const r of runs) {
        o.signal?.throwIfAborted();
        state.started = true;
        if (r.zero) await sink.zero(r.offset, r.length);
        else await sink.write(r.offset, await reader.read(r.offset, r.length));
        // counted once handed over: a failure after this may have reached the disk
        done += r.length;
        onBytes(done);
      }
      await sink.finish();
    } catch (e) {
      await sink.abort();
      throw state.started ? new PartialWriteError(o.disk, done, e) : e;
    }
  } finally {
    await nbd.close();
  }
  return done;
}
