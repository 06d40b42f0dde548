import { startBackup, streamSource, type EngineProgress, type ExtentSource, type Manifest, type Repository } from '../../engine';
import * as os from '../../openstack';
import { ImageTransferError } from './errors';
import { imageMarks, type ImageOwner } from './marks';
import { qcow2StreamSource } from './qcow2-stream';

/**
 * One backup of an instance through Glance, for clouds whose hypervisors Backstack cannot reach:
 * Nova snapshots the server into a temporary image (named and marked with this installation and
 * job), Glance's bytes stream straight into the engine (qcow2 decoded on the way, so the restore
 * point holds the disk the guest sees), and the image is deleted whatever happens. Full on the
 * wire every time; the engine's dedup stores only the chunks that changed.
 */

export interface ImageBackupOptions {
  client: os.ProviderClient;
  server: os.Server;
  owner: ImageOwner;
  repo: Repository;
  group: string;
  /** what the manifest's `source` says besides what this function adds */
  sourceInfo: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  /** a phase in words, with the engine's bytes while the disk streams */
  onProgress?: (phase: string, engine?: EngineProgress) => void;
  /** how long Nova may take to make the image (default one hour) */
  snapshotTimeoutMs?: number;
}

/** What the manifest's metadata records of the image transfer (`imageTransfer`). */
export interface ImageTransferRecord {
  imageId: string;
  diskFormat: string;
  imageBytes: number | null;
  disks: { target: string; bus: null; kind: 'file'; format: 'raw'; serial: null; size: number }[];
  transferredBytes: number;
}

export async function backupThroughImage(o: ImageBackupOptions): Promise<{ manifest: Manifest; transferredBytes: number }> {
  const { server, signal } = o;
  if (!server.imageId) {
    throw new ImageTransferError(
      `${server.name} boots from a volume: the image-transfer strategy backs up image-booted instances only so far (a volume-backed snapshot holds Cinder snapshots, not the disk). Back it up with the libvirt strategy.`,
    );
  }
  if (server.attachedVolumes.length) {
    o.log('warn', `Attached volumes (${server.attachedVolumes.map((v) => v.id).join(', ')}) are not in this backup: Nova's snapshot of an image-booted instance holds its root disk only.`);
  }
  const compute = await o.client.compute(signal);
  const image = await o.client.image(signal);
  const target = server.rootDeviceName?.replace(/^\/dev\//, '') || 'vda';
  const name = `backstack-${o.owner.jobId.slice(0, 8)}-${server.name}`.slice(0, 255);

  o.onProgress?.('Asking Nova for a snapshot image');
  let imageId: string;
  try {
    ({ imageId } = await os.createServerImage(compute, server.id, { name, metadata: imageMarks(o.owner, 'backup') }, { signal }));
  } catch (e) {
    throw explainCreateImage(e, server.name);
  }
  o.log('info', `Nova is making the temporary image ${name} (${imageId}) of ${server.name}.`);
  try {
    o.onProgress?.('Nova is making the snapshot image');
    const ready = await os.waitForImageStatus(image, imageId, 'active', { signal, clock: o.client.clock, timeoutMs: o.snapshotTimeoutMs ?? 60 * 60_000 });
    o.log('info', `Image ${imageId} is active: ${ready.diskFormat ?? '?'} format, ${ready.sizeBytes ?? '?'} bytes; downloading it into the destination.`);
    return await download(o, image, ready, target);
  } finally {
    // never with the job's signal: a cancelled backup removes its image too
    await removeImage(image, imageId, o.log);
  }
}

async function download(o: ImageBackupOptions, image: os.ServiceClient, ready: os.Image, target: string): Promise<{ manifest: Manifest; transferredBytes: number }> {
  if (ready.diskFormat !== 'qcow2' && ready.diskFormat !== 'raw') {
    throw new ImageTransferError(`Nova made a ${ready.diskFormat ?? 'format-less'} image: the image-transfer strategy reads qcow2 and raw images.`);
  }
  const dl = await os.downloadImageData(image, ready.id, { signal: o.signal });
  let transferred = 0;
  const counted = (async function* () {
    for await (const piece of dl.body) {
      transferred += piece.byteLength;
      yield piece;
    }
  })();
  try {
    const size = dl.size ?? ready.sizeBytes;
    let source: ExtentSource;
    if (ready.diskFormat === 'qcow2') source = await qcow2StreamSource(counted);
    else if (size === undefined) throw new ImageTransferError('Glance does not say how large the raw image is.');
    else source = streamSource(counted, size);
    const writer = await startBackup(o.repo, {
      group: o.group,
      // full on the wire every time; chunks the destination already holds are not stored again
      parent: null,
      sourceInfo: { ...o.sourceInfo, backupKind: 'full', strategy: 'image-transfer' },
      ...(o.metadata ? { metadata: o.metadata } : {}),
      signal: o.signal,
      onProgress: (engine) => o.onProgress?.(`Downloading disk ${target} from Glance`, engine),
      progressIntervalMs: 250,
    });
    try {
      await writer.addDisk({ name: target, source });
      if (ready.sizeBytes !== undefined && transferred !== ready.sizeBytes) {
        throw new ImageTransferError(`Glance sent ${transferred} bytes of image ${ready.id}, which has ${ready.sizeBytes}: the download was cut short.`);
      }
      const record: ImageTransferRecord = {
        imageId: ready.id,
        diskFormat: ready.diskFormat,
        imageBytes: ready.sizeBytes ?? null,
        disks: [{ target, bus: null, kind: 'file', format: 'raw', serial: null, size: source.size }],
        transferredBytes: transferred,
      };
      const manifest = await writer.commit({ metadata: { imageTransfer: record } });
      return { manifest, transferredBytes: transferred };
    } catch (e) {
      await writer.abort();
      throw e;
    }
  } finally {
    dl.body.destroy();
  }
}

/** Deletes the temporary image; a failure is logged with the id (the clean-up finds it by its marks). */
export async function removeImage(image: os.ServiceClient, id: string, log: ImageBackupOptions['log']): Promise<boolean> {
  try {
    await os.deleteImage(image, id).catch((e: unknown) => (e instanceof os.NotFoundError ? undefined : Promise.reject(e)));
    log('info', `Temporary image ${id} deleted.`);
    return true;
  } catch (e) {
    log('warn', `The temporary image ${id} could not be deleted (${(e as Error).message}): \`backstack cleanup\` removes it, or delete it in Glance.`);
    return false;
  }
}

/** Nova's refusals of a snapshot, said with what to do. */
function explainCreateImage(e: unknown, serverName: string): unknown {
  if (!(e instanceof os.OpenStackError)) return e;
  if (e.code === 'FORBIDDEN' || (e instanceof os.HttpError && e.status === 413) || /quota/i.test(e.message)) {
    return new ImageTransferError(
      `Nova refused to snapshot ${serverName} (${e.message}). The image-transfer strategy needs the right to create images (Nova's createImage policy) and room in the project's image quota: raise the quota or free images, or back the instance up with the libvirt strategy.`,
    );
  }
  if (e.code === 'CONFLICT') return new ImageTransferError(`Nova cannot snapshot ${serverName} now (${e.message}): wait until its current task ends and run the backup again.`);
  return e;
}
