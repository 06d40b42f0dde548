import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { AppError } from '../../../shared/errors/codes';
import { defaultRestoreName } from '../../../shared/domain/backups';
import { restoreDisk, streamSink, type Repository } from '../../engine';
import * as os from '../../openstack';
import { IMAGE_MARK, imageMarks, removeImage } from '../../transfer/image-transfer';
import { bootDisk } from './backup-metadata';
import { removeCreated, resolveFlavor, resolveNetworks, resolveZone, serverPlacement, usableKeypair, type RestoreCommon } from './nova-restore';
import { planAddresses } from './preflight-network';
import type { Created } from './verify-cleanup';

/**
 * Restore of an image-transfer restore point (no hypervisor access): the disk is uploaded from
 * the destination to Glance in the target project as a new image, streamed (no temporary file),
 * and a server booted from it with the chosen flavor, networks, key pair and name. The image is
 * deleted once the server is ACTIVE (kept when asked); a failure removes the server and the image.
 *
 * The upload is raw, the disk as the guest sees it (what the restore point holds): Nova's libvirt
 * driver converts images to raw before use anyway (`force_raw_images`, on by default), and an RBD
 * image store clones only raw images. A qcow2 upload would spare the holes on the wire, at the
 * cost of an encoder here and a conversion on the compute host.
 */

const GiB = 1024 ** 3;

/** Image properties that tell Nova how to run the guest (bus, firmware, OS), copied from the original image. */
export const BOOT_PROPERTY = /^(hw_|os_distro$|os_type$|os_version$|os_require_quiesce$|architecture$|hypervisor_type$)/;

export interface GlanceRestoreContext extends RestoreCommon {
  client: os.ProviderClient;
  projectId: string;
  repo: Repository;
  /** this installation and job (the uploaded image carries them: a clean-up finds it after a kill) */
  owner: { installation: string; jobId: string };
}

export async function restoreThroughGlance(
  c: GlanceRestoreContext,
): Promise<{ serverId: string; name: string; status: string; imageId: string; imageKept: boolean; verified: Record<string, string> }> {
  const { backup: b, params: p, signal } = c;
  const opt = { signal };
  const wait = (timeoutMs: number) => ({ signal, timeoutMs, clock: c.client.clock });
  const boot = bootDisk(b);
  if (p.disks && p.disks.some((x) => x !== boot.target)) throw new AppError('validation.invalidInput', `This restore point holds disk ${boot.target} only.`);
  c.progress('Looking up the flavor and networks');
  const compute = await c.client.compute(signal);
  const image = await c.client.image(signal);
  const net = await c.client.network(signal);
  const flavorId = await resolveFlavor(compute, p.flavor, b, signal);
  const { networkIds: networks, visible } = await resolveNetworks(net, p, b, signal);
  const scope = { projectId: c.projectId, isAdmin: c.client.tokenInfo?.isAdmin === true, networks: visible };
  const addresses = await planAddresses(net, b, networks, scope, signal).catch(() => []);
  const zone = await resolveZone(compute, p.availabilityZone, b.server.availabilityZone, c.log, signal);
  const keyName = await usableKeypair(compute, c);
  const name = p.name ?? defaultRestoreName(b.serverName, b.createdAt);

  const created: Created[] = [];
  let imageId: string | null = null;
  let done = false;
  try {
    // 1. The disk into a new image of the target project.
    c.progress('Creating the image in Glance');
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(b.image?.properties ?? {})) if (BOOT_PROPERTY.test(k)) properties[k] = v;
    const img = await os.createImageRecord(
      image,
      {
        name: `backstack-${c.owner.jobId.slice(0, 8)}-${name}`.slice(0, 255),
        diskFormat: 'raw',
        minDiskGiB: Math.ceil(boot.size / GiB),
        ...(b.image?.minRamMiB ? { minRamMiB: b.image.minRamMiB } : {}),
        properties: { ...properties, ...imageMarks(c.owner, 'restore'), 'backstack:restored-from': `${c.backupRef.group}/${c.backupRef.time}` },
      },
      opt,
    );
    imageId = img.id;
    c.log('info', `Image ${img.name} (${img.id}) created in project ${c.projectId}; uploading disk ${boot.target} (${boot.size} bytes, raw).`);
    const hashed = await upload(c, image, img.id, boot.target, boot.size);
    const ready = await os.waitForImageStatus(image, img.id, 'active', wait(60 * 60_000));
    // Glance hashed what it stored: the same as what left the destination, or the restore stops here.
    if (ready.hashAlgo && ready.hashValue && hashed[ready.hashAlgo]) {
      if (hashed[ready.hashAlgo] !== ready.hashValue) throw new AppError('internal', `Glance stored image ${img.id} with ${ready.hashAlgo} ${ready.hashValue}, but ${hashed[ready.hashAlgo]} was sent: the upload was damaged. Run the restore again.`);
      c.log('info', `Glance stored the disk as sent (${ready.hashAlgo} checked; sha256 ${hashed.sha256}).`);
    }

    // 2. The server, booted from it.
    c.progress('Waiting for Nova to build the server');
    const { id } = await os.createServer(
      compute,
      {
        name,
        flavorId,
        imageId: img.id,
        ...serverPlacement(c, networks, addresses, keyName, zone),
      },
      opt,
    );
    created.push({ kind: 'server', id, name });
    c.log('info', `Server ${name} (${id}) created from image ${img.id}; waiting for it to become ACTIVE.`);
    let server = await os.waitForServerStatus(compute, id, 'ACTIVE', wait(15 * 60_000));
    if (p.power === 'off') {
      c.progress('Stopping the server (power off)');
      await compute.post(`servers/${encodeURIComponent(id)}/action`, { 'os-stop': null }, { ok: [202], signal });
      server = await os.waitForServerStatus(compute, id, 'SHUTOFF', wait(10 * 60_000));
    }
    done = true;
    return { serverId: id, name, status: server.status, imageId: img.id, imageKept: p.keepImage, verified: hashed.sha256 ? { [boot.target]: hashed.sha256 } : {} };
  } catch (e) {
    await removeCreated(c.client, created, c);
    throw e;
  } finally {
    if (imageId && !(done && p.keepImage)) {
      c.progress(done ? 'Deleting the uploaded image' : 'Removing what the restore created');
      await removeImage(image, imageId, c.log);
    } else if (imageId) await keep(image, imageId, c.log);
  }
}

/** A kept image is marked so: the clean-up leaves it alone (it removes only temporary images of jobs that ended). */
async function keep(image: os.ServiceClient, id: string, log: GlanceRestoreContext['log']): Promise<void> {
  try {
    await os.setImageProperties(image, id, { [IMAGE_MARK.purpose]: 'kept' });
    log('info', `Image ${id} kept in Glance, as asked.`);
  } catch (e) {
    log('warn', `Image ${id} is kept, but could not be marked as kept (${(e as Error).message}): \`backstack cleanup\` would remove it.`);
  }
}

/** Streams the disk from the destination into the image; returns the hashes of what was sent (sha256, and Glance's algorithm). */
async function upload(c: GlanceRestoreContext, image: os.ServiceClient, imageId: string, disk: string, size: number): Promise<Record<string, string>> {
  const sha256 = createHash('sha256');
  const sha512 = createHash('sha512'); // Glance's default os_hash_algo
  // hashes what goes out, in order, with the upload's backpressure
  const body = new Transform({
    highWaterMark: 4 * 1024 * 1024,
    transform(b: Buffer, _enc, next) {
      sha256.update(b);
      sha512.update(b);
      next(null, b);
    },
  });
  const writing = `Uploading disk ${disk} to Glance`;
  const sent = os.uploadImageData(image, imageId, body, { size, signal: c.signal });
  const read = restoreDisk(c.repo, {
    group: c.backupRef.group,
    backup: c.backupRef.time,
    disk,
    sink: streamSink(body),
    signal: c.signal,
    onProgress: (e) => c.progress(writing, { done: e.bytesDone, total: e.bytesTotal }),
    progressIntervalMs: 250,
  });
  // whichever side fails first ends the other: a failed upload must not leave the reader waiting
  // (the error itself reaches the caller through the promises)
  body.on('error', () => undefined);
  sent.catch((e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))));
  read.catch((e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))));
  await Promise.all([read, sent]);
  return { sha256: sha256.digest('hex'), sha512: sha512.digest('hex') };
}
