import { BackupNotFoundError, findBackup, startBackup, type EngineProgress, type Manifest, type Repository } from '../../engine';
import * as os from '../../openstack';
import type { BlockDigests } from '../libvirt-ssh/block-diff';
import { changedRanges, readTracking, trackingBlockSize, writeTracking } from '../libvirt-ssh/change-tracking';
import type { HostShell } from '../libvirt-ssh/ssh';
import { DiskAttachmentError } from './errors';
import { cinderMarks, temporaryName, type Owner } from './marks';
import { proxyDigests, proxyRead, type ProxyDevice } from './proxy-read';
import { checkQuota } from './quota';
import { Temporaries } from './temporaries';

/**
 * One backup of an instance's volumes through a proxy VM, for clouds whose hypervisors Backstack
 * cannot reach: a Cinder snapshot of every volume at once, a temporary volume from each, attached
 * to the proxy, read there (python3 hashes the blocks; an incremental sends only blocks whose
 * digests differ from the last backup's), detached and deleted. Nothing is kept in the cloud:
 * the digests live with the restore point (note `block-digests`, as the libvirt strategy's).
 */

export interface ProxyVm {
  serverId: string;
  name: string;
  shell: HostShell;
  sudo: boolean;
}

export interface AttachmentBackupOptions {
  client: os.ProviderClient;
  server: os.Server;
  proxy: ProxyVm;
  owner: Owner;
  repo: Repository;
  group: string;
  mode: 'full' | 'incremental';
  sourceInfo: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  onProgress?: (phase: string, engine?: EngineProgress) => void;
  /** how long each Cinder or Nova step may take (default one hour: a large snapshot) */
  stepTimeoutMs?: number;
}

/** What the manifest's metadata records of the backup (`diskAttachment`). */
export interface AttachmentRecord {
  proxy: { serverId: string; name: string };
  disks: { target: string; volumeId: string; size: number; bootable: boolean; volumeType: string | null; incremental: boolean; bytesRead: number }[];
  transferredBytes: number;
}

interface Disk {
  target: string;
  volume: os.Volume;
}

export async function backupThroughProxy(o: AttachmentBackupOptions): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const { server, signal } = o;
  const blockStorage = await o.client.blockStorage(signal);
  const compute = await o.client.compute(signal);
  const volumes = await Promise.all(server.attachedVolumes.map((v) => os.getVolume(blockStorage, v.id, { signal })));
  if (!volumes.length) {
    throw new DiskAttachmentError(`${server.name} has no volumes: the disk-attachment strategy reads Cinder volumes. Back it up with the image-transfer strategy (its root disk is an image-backed disk).`);
  }
  if (server.imageId) {
    o.log('warn', `${server.name} boots from an image: its root disk is not a Cinder volume and is not in this backup, only its ${volumes.length} volume(s). Back the root disk up with the image-transfer or the libvirt strategy.`);
  }
  const disks: Disk[] = volumes.map((volume) => {
    const device = volume.attachments.find((a) => a.serverId === server.id)?.device;
    return { target: device?.replace(/^\/dev\//, '') || `volume-${volume.id.slice(0, 8)}`, volume };
  });
  const wait = { signal, clock: o.client.clock, timeoutMs: o.stepTimeoutMs ?? 60 * 60_000 };
  await checkQuota(blockStorage, volumes, signal);

  const parent = await findBackup(o.repo, o.group, 'latest').catch((e: unknown) => (e instanceof BackupNotFoundError ? null : Promise.reject(e)));
  const tracked = o.mode === 'incremental' && parent ? await readTracking(o.repo, parent).catch(() => new Map<string, BlockDigests>()) : new Map<string, BlockDigests>();
  const previousOf = (d: Disk): BlockDigests | null => {
    const p = tracked.get(d.target);
    const size = d.volume.sizeGiB * 2 ** 30;
    return p && p.size === size && p.blockSize === trackingBlockSize(size, o.repo.chunkSize) && parent?.disks.some((x) => x.name === d.target) ? p : null;
  };
  const incremental = disks.some((d) => previousOf(d) !== null);
  if (o.mode === 'incremental' && !incremental) o.log('info', `Full backup: ${parent ? 'the last backup kept no block digests of these volumes' : 'there is no earlier backup'}.`);

  const temps = new Temporaries(blockStorage, compute, o.client.clock, o.log);
  try {
    // 1. All snapshots at once: the volumes are captured at (nearly) the same moment.
    o.onProgress?.('Snapshotting the volumes in Cinder');
    const snapshots = await Promise.all(
      disks.map(async (d) => {
        const s = await os.createSnapshot(blockStorage, { volumeId: d.volume.id, force: true, name: temporaryName(o.owner, d.target), metadata: cinderMarks(o.owner, 'backup') }, { signal });
        temps.add({ kind: 'snapshot', id: s.id });
        return s;
      }),
    );
    await Promise.all(snapshots.map((s) => os.waitForSnapshotStatus(blockStorage, s.id, 'available', wait)));
    o.log('info', `Cinder snapshots ${snapshots.map((s, i) => `${s.id} (${disks[i]!.target})`).join(', ')} taken.`);

    const writer = await startBackup(o.repo, {
      group: o.group,
      parent: incremental && parent ? parent.id : null,
      sourceInfo: { ...o.sourceInfo, backupKind: incremental ? 'incremental' : 'full', strategy: 'disk-attachment' },
      ...(o.metadata ? { metadata: o.metadata } : {}),
      signal,
      onProgress: (engine) => o.onProgress?.(`Reading ${engine.disk ?? 'a volume'} on the proxy`, engine),
      progressIntervalMs: 250,
    });
    try {
      const records: AttachmentRecord['disks'] = [];
      const digests = new Map<string, BlockDigests>();
      let transferred = 0;
      for (const [i, d] of disks.entries()) {
        // 2. A temporary volume from the snapshot, attached to the proxy, read, detached, deleted.
        o.onProgress?.(`Attaching ${d.target} to the proxy ${o.proxy.name}`);
        const temp = await os.createVolume(
          blockStorage,
          { sizeGiB: d.volume.sizeGiB, snapshotId: snapshots[i]!.id, name: temporaryName(o.owner, d.target), metadata: cinderMarks(o.owner, 'backup') },
          { signal },
        );
        temps.add({ kind: 'volume', id: temp.id });
        await os.waitForVolumeStatus(blockStorage, temp.id, 'available', wait);
        await os.attachVolume(compute, o.proxy.serverId, temp.id, { signal });
        temps.add({ kind: 'attachment', serverId: o.proxy.serverId, volumeId: temp.id });
        await os.waitForVolumeStatus(blockStorage, temp.id, 'in-use', wait);
        const device: ProxyDevice = { shell: o.proxy.shell, serial: temp.id, sudo: o.proxy.sudo };
        const r = await readDisk(o, writer, d, device, previousOf(d));
        digests.set(d.target, r.digests);
        transferred += r.transferred;
        records.push({ target: d.target, volumeId: d.volume.id, size: r.digests.size, bootable: d.volume.bootable, volumeType: d.volume.volumeType ?? null, incremental: r.incremental, bytesRead: r.bytesRead });
        await temps.detach(o.proxy.serverId, temp.id);
        await temps.deleteVolume(temp.id);
      }
      const record: AttachmentRecord = { proxy: { serverId: o.proxy.serverId, name: o.proxy.name }, disks: records, transferredBytes: transferred };
      const manifest = await writer.commit({ metadata: { diskAttachment: record } });
      await writeTracking(o.repo, manifest, digests).catch((e: unknown) =>
        o.log('warn', `The block digests of this backup could not be kept (${(e as Error).message}): the next backup of these volumes is full.`),
      );
      return { manifest, transferredBytes: transferred, disks: disks.length };
    } catch (e) {
      await writer.abort();
      throw e;
    }
  } finally {
    o.onProgress?.('Removing the temporary snapshots and volumes');
    await temps.removeAll();
  }
}

async function readDisk(
  o: AttachmentBackupOptions,
  writer: Awaited<ReturnType<typeof startBackup>>,
  d: Disk,
  device: ProxyDevice,
  previous: BlockDigests | null,
): Promise<{ digests: BlockDigests; transferred: number; bytesRead: number; incremental: boolean }> {
  const size = d.volume.sizeGiB * 2 ** 30;
  const blockSize = trackingBlockSize(size, o.repo.chunkSize);
  if (!previous) {
    const r = await proxyRead(device, blockSize, null, o.signal);
    checkSize(d, r.source.size, size);
    await writer.addDisk({ name: d.target, source: r.source });
    const digests = await r.digests();
    o.log('info', `${d.target} (volume ${d.volume.id}): read in full, ${r.transferred} bytes from the proxy.`);
    return { digests, transferred: r.transferred, bytesRead: size, incremental: false };
  }
  const now = await proxyDigests(device, blockSize, o.signal);
  checkSize(d, now.size, size);
  const ranges = changedRanges(previous, now);
  const changed = ranges.reduce((n, r) => n + r.length, 0);
  const r = await proxyRead(device, blockSize, ranges, o.signal);
  await writer.addDisk({ name: d.target, source: r.source, changedExtents: ranges });
  const read = await r.digests();
  // the temporary volume is a frozen snapshot: the blocks read must hash as they did a moment ago
  for (const x of ranges) {
    for (let at = x.offset; at < x.offset + x.length; at += blockSize) {
      if (!read.get(at / blockSize).equals(now.get(at / blockSize))) throw new DiskAttachmentError(`Block ${at} of ${d.target} changed between two reads of a snapshot: the proxy's device is not the temporary volume. Nothing was recorded; run the backup again.`);
    }
  }
  const transferred = now.count * 32 + 12 + r.transferred;
  o.log('info', `${d.target} (volume ${d.volume.id}): ${changed} bytes changed in ${ranges.length} run(s) since the last backup; ${transferred} bytes from the proxy.`);
  return { digests: now, transferred, bytesRead: changed, incremental: true };
}

function checkSize(d: Disk, seen: number, expected: number): void {
  if (seen !== expected) throw new DiskAttachmentError(`The proxy's device for ${d.target} holds ${seen} bytes, the volume ${expected}: it is not the temporary volume. Nothing was recorded.`);
}
