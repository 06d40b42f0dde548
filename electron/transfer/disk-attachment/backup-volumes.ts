import { BackupNotFoundError, findBackup, startBackup, type EngineProgress, type Manifest, type Repository } from '../../engine';
import * as os from '../../openstack';
import { changedRanges, readTracking, trackingBlockSize, writeTracking, type BlockDigests, type HostShell } from '../libvirt-ssh';
import { DiskAttachmentError } from './errors';
import { imageMarks } from '../image-transfer';
import { cinderMarks, temporaryName, type Owner } from './marks';
import { proxyDigests, proxyRead, type ProxyDevice } from './proxy-read';
import { checkQuota } from './quota';
import { Temporaries } from './temporaries';

/**
 * One backup of an instance's disks through a proxy VM, for clouds whose hypervisors Backstack
 * cannot reach: a Cinder snapshot of every volume at once (a Nova snapshot image of an
 * image-backed root disk, made a volume by Cinder), a temporary volume from each, attached
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
  /** an instance (its volumes and an image-backed root disk), or a standalone volume (its one disk: `volume`) */
  of: { server: os.Server } | { volume: os.Volume };
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
  /** volumeId null: the image-backed root disk */
  disks: { target: string; volumeId: string | null; size: number; bootable: boolean; volumeType: string | null; incremental: boolean; bytesRead: number }[];
  transferredBytes: number;
}

/** A disk to read: a volume of the instance (through a snapshot), or its image-backed root disk (through a Nova snapshot image). */
/** The one disk of a standalone volume's restore point. */
export const VOLUME_DISK = 'volume';

interface Disk {
  target: string;
  sizeGiB: number;
  volume: os.Volume | null;
}

export async function backupThroughProxy(o: AttachmentBackupOptions): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const { signal } = o;
  const server = 'server' in o.of ? o.of.server : null;
  const blockStorage = await o.client.blockStorage(signal);
  const compute = await o.client.compute(signal);
  const image = await o.client.image(signal);
  const volumes = server ? await Promise.all(server.attachedVolumes.map((v) => os.getVolume(blockStorage, v.id, { signal }))) : [(o.of as { volume: os.Volume }).volume];
  const disks: Disk[] = volumes.map((volume) => {
    if (!server) return { target: VOLUME_DISK, sizeGiB: volume.sizeGiB, volume };
    const device = volume.attachments.find((a) => a.serverId === server.id)?.device;
    return { target: device?.replace(/^\/dev\//, '') || `volume-${volume.id.slice(0, 8)}`, sizeGiB: volume.sizeGiB, volume };
  });
  // An image-booted root disk is no volume: Nova snapshots it into an image, Cinder makes a
  // volume of that image, and the proxy reads it like the others (incremental by digests too).
  const root = server?.imageId ? { target: server.rootDeviceName?.replace(/^\/dev\//, '') || 'vda', sizeGiB: server.flavor.diskGiB ?? 0, volume: null } : null;
  if (root) disks.unshift(root);
  const wait = { signal, clock: o.client.clock, timeoutMs: o.stepTimeoutMs ?? 60 * 60_000 };
  await checkQuota(blockStorage, volumes, root ? root.sizeGiB : 0, signal);

  const parent = await findBackup(o.repo, o.group, 'latest').catch((e: unknown) => (e instanceof BackupNotFoundError ? null : Promise.reject(e)));
  const tracked = o.mode === 'incremental' && parent ? await readTracking(o.repo, parent).catch(() => new Map<string, BlockDigests>()) : new Map<string, BlockDigests>();
  const previousOf = (d: Disk): BlockDigests | null => {
    const p = tracked.get(d.target);
    const size = d.sizeGiB * 2 ** 30;
    return p && p.size === size && p.blockSize === trackingBlockSize(size, o.repo.chunkSize) && parent?.disks.some((x) => x.name === d.target) ? p : null;
  };
  const incremental = disks.some((d) => previousOf(d) !== null);
  if (o.mode === 'incremental' && !incremental) o.log('info', `Full backup: ${parent ? 'the last backup kept no block digests of these volumes' : 'there is no earlier backup'}.`);

  const temps = new Temporaries(blockStorage, compute, image, o.client.clock, o.log);
  try {
    // 1. All snapshots at once (the root image's too): the disks are captured at (nearly) the same moment.
    o.onProgress?.('Snapshotting the disks');
    const taken = await Promise.all(
      disks.map(async (d) => {
        if (!d.volume) {
          const { imageId } = await os.createServerImage(compute, server!.id, { name: temporaryName(o.owner, d.target), metadata: imageMarks(o.owner, 'backup') }, { signal });
          temps.add({ kind: 'image', id: imageId });
          const ready = await os.waitForImageStatus(image, imageId, 'active', wait);
          // the flavor's root size when known; a flavor with disk 0 sizes the root disk by its image
          d.sizeGiB = Math.max(d.sizeGiB, Math.ceil((ready.virtualSizeBytes ?? 0) / 2 ** 30), ready.minDiskGiB, 1);
          return imageId;
        }
        const s = await os.createSnapshot(blockStorage, { volumeId: d.volume.id, force: true, name: temporaryName(o.owner, d.target), metadata: cinderMarks(o.owner, 'backup') }, { signal });
        temps.add({ kind: 'snapshot', id: s.id });
        await os.waitForSnapshotStatus(blockStorage, s.id, 'available', wait);
        return s.id;
      }),
    );
    o.log('info', `Snapshots taken: ${taken.map((id, i) => `${disks[i]!.volume ? 'Cinder snapshot' : 'Nova image'} ${id} (${disks[i]!.target})`).join(', ')}.`);

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
        o.onProgress?.(d.volume ? `Attaching ${d.target} to the proxy ${o.proxy.name}` : `Cinder is making a volume of the root disk's image`);
        const temp = await os.createVolume(
          blockStorage,
          { sizeGiB: d.sizeGiB, ...(d.volume ? { snapshotId: taken[i]! } : { imageId: taken[i]! }), name: temporaryName(o.owner, d.target), metadata: cinderMarks(o.owner, 'backup') },
          { signal },
        );
        temps.add({ kind: 'volume', id: temp.id });
        await os.waitForVolumeStatus(blockStorage, temp.id, 'available', wait);
        if (!d.volume) await temps.remove('image', taken[i]!);
        await os.attachVolume(compute, o.proxy.serverId, temp.id, { signal });
        temps.add({ kind: 'attachment', serverId: o.proxy.serverId, volumeId: temp.id });
        await os.waitForVolumeStatus(blockStorage, temp.id, 'in-use', wait);
        o.log('info', `Temporary volume ${temp.id} (${d.target}) attached to the proxy ${o.proxy.name}; reading it there.`);
        const device: ProxyDevice = { shell: o.proxy.shell, serial: temp.id, sudo: o.proxy.sudo };
        const r = await readDisk(o, writer, d, device, incremental ? previousOf(d) : null);
        digests.set(d.target, r.digests);
        transferred += r.transferred;
        records.push({
          target: d.target,
          volumeId: d.volume?.id ?? null,
          size: r.digests.size,
          bootable: d.volume ? d.volume.bootable : true,
          volumeType: d.volume?.volumeType ?? null,
          incremental: r.incremental,
          bytesRead: r.bytesRead,
        });
        await temps.detach(o.proxy.serverId, temp.id);
        await temps.remove('volume', temp.id);
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
  const size = d.sizeGiB * 2 ** 30;
  const blockSize = trackingBlockSize(size, o.repo.chunkSize);
  if (!previous) {
    const r = await proxyRead(device, blockSize, null, o.signal);
    checkSize(d, r.source.size, size);
    await writer.addDisk({ name: d.target, source: r.source });
    const digests = await r.digests();
    o.log('info', `${d.target} (${what(d)}): read in full, ${r.transferred} bytes from the proxy.`);
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
  o.log('info', `${d.target} (${what(d)}): ${changed} bytes changed in ${ranges.length} run(s) since the last backup; ${transferred} bytes from the proxy.`);
  return { digests: now, transferred, bytesRead: changed, incremental: true };
}

const what = (d: Disk): string => (d.volume ? `volume ${d.volume.id}` : 'the root disk');

function checkSize(d: Disk, seen: number, expected: number): void {
  if (seen !== expected) throw new DiskAttachmentError(`The proxy's device for ${d.target} holds ${seen} bytes, the volume ${expected}: it is not the temporary volume. Nothing was recorded.`);
}
