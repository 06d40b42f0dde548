import { AppError } from '../../../shared/errors/codes';
import { defaultRestoreName, type RestoreInstanceParams } from '../../../shared/domain/backups';
import type { Repository } from '../../engine';
import * as os from '../../openstack';
import { dumpDomain, restoreDiskOverSsh, type NbdTransfer, type RestoreTarget, type SshSession } from '../../transfer/libvirt-ssh';
import { logTransfer, type HypervisorsService } from '../hypervisors/hypervisors.service';
import { bootDisk, deleteOnTermination, type BackedUpDisk, type InstanceBackupMetadata } from './backup-metadata';

/**
 * Restore through Nova: new Cinder volumes for the RBD disks (written over SSH + qemu-nbd), a new
 * server with the chosen flavor, network, key pair and name (booting from the restored volume, or
 * from the original image), then its local disks replaced by the backup's while it is stopped.
 */

export interface RestoreContext {
  params: RestoreInstanceParams;
  backup: InstanceBackupMetadata;
  backupRef: { group: string; time: string };
  repo: Repository;
  client: os.ProviderClient;
  hypervisors: HypervisorsService;
  providerId: string;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  progress: (phase: string, done: number, total: number | null) => void;
  /** hash what was written and compare with the image on the hypervisor before the server starts */
  verify: boolean;
}

const GiB = 1024 ** 3;
const opt = (signal: AbortSignal) => ({ signal });

export async function restoreThroughNova(c: RestoreContext): Promise<{ serverId: string; name: string; verified: Record<string, string> }> {
  const { backup: b, params: p, signal } = c;
  const compute = await c.client.compute(signal);
  const bs = await c.client.blockStorage(signal);
  const net = await c.client.network(signal);
  const flavorId = await resolveFlavor(compute, p.flavor, b, signal);
  const networks = await resolveNetworks(net, p.network, b, signal);
  const name = p.name ?? defaultRestoreName(b.serverName, b.createdAt);
  const boot = bootDisk(b);
  const verified: Record<string, string> = {};
  const sessions: SshSession[] = [];
  /** how each session's host takes disk data (its hypervisor setting) */
  const transfers = new Map<SshSession, NbdTransfer>();
  const connect = async (host: string | null | undefined, hypervisorHostname?: string | null): Promise<SshSession> => {
    const hv = c.hypervisors.forServer(c.providerId, host, hypervisorHostname);
    const s = await c.hypervisors.connect(hv, signal);
    sessions.push(s);
    const transfer = c.hypervisors.transferOf(hv);
    transfers.set(s, transfer);
    logTransfer(transfer, c.log);
    return s;
  };
  const write = async (ssh: SshSession, disk: BackedUpDisk, target: RestoreTarget): Promise<void> => {
    const written = await restoreDiskOverSsh(ssh, c.repo, {
      group: c.backupRef.group,
      backup: c.backupRef.time,
      disk: disk.target,
      target,
      transfer: transfers.get(ssh) ?? { kind: 'ssh' },
      verify: c.verify,
      signal,
      onProgress: (e) => c.progress(`restore ${disk.target}`, e.bytesDone, e.bytesTotal),
    });
    if (written.sha256) {
      verified[disk.target] = written.sha256;
      c.log('info', `Disk ${disk.target}: verified on the hypervisor, sha256 ${written.sha256}.`);
    }
  };

  try {
    // 1. Cinder volumes for RBD disks, filled before any server uses them.
    const newVolumes = new Map<string, string>();
    const rbdDisks = b.disks.filter((d) => d.kind === 'rbd');
    if (rbdDisks.length) {
      const ssh = await connect(b.host);
      for (const d of rbdDisks) {
        const orig = b.volumes.find((v) => v.id === d.serial);
        const v = await os.createVolume(bs, {
          sizeGiB: Math.max(orig?.sizeGiB ?? 0, Math.ceil(d.size / GiB)),
          name: `${name}-${d.target}`,
          ...(orig?.volumeType ? { volumeType: orig.volumeType } : {}),
          description: `Restored by Backstack from backup ${c.backupRef.group}/${c.backupRef.time}`,
        }, opt(signal));
        await os.waitForVolumeStatus(bs, v.id, 'available', { signal, timeoutMs: 10 * 60_000 });
        c.log('info', `Volume ${v.id} created for ${d.target}; writing the backup into rbd ${d.pool}/volume-${v.id}.`);
        await write(ssh, d, { source: { kind: 'rbd', pool: d.pool ?? 'volumes', image: `volume-${v.id}`, snapshot: null, user: d.rbdUser ?? null }, format: 'raw' });
        newVolumes.set(d.target, v.id);
      }
    }

    // 2. The server: from the restored boot volume, or from the original image.
    const bootVolume = newVolumes.get(boot.target);
    if (!bootVolume) {
      if (!b.server.imageId) throw new AppError('unsupported', 'The backup has no boot image and no boot volume to start from.');
      await os.getImage(await c.client.image(signal), b.server.imageId, opt(signal)).catch(() => {
        throw new AppError('resource.notFound', `The image ${b.server.imageId} the instance was built from is gone: restore to the hypervisor (target libvirt) instead.`);
      });
    }
    // Key pairs belong to users: the original one may be invisible to the user restoring. Nova would
    // refuse the server ("Invalid key_name"), so restore without it and say so (as the reference product does).
    let keyName = p.keypair ?? b.server.keyName ?? undefined;
    if (keyName && !p.keypair) {
      const mine = await os.listKeypairs(compute, opt(signal)).all();
      if (!mine.some((k) => k.name === keyName)) {
        c.log('warn', `The key pair ${keyName} of the original instance is not available to ${c.client.tokenInfo?.userName ?? 'this user'}: the instance is restored without a key pair. Recreate it under the same name, or choose one in the restore options.`);
        keyName = undefined;
      }
    }
    const { id } = await os.createServer(compute, {
      name,
      flavorId,
      // the restored volumes live and die with the server as the original's did
      ...(bootVolume ? { blockDeviceMappings: [{ uuid: bootVolume, source_type: 'volume', destination_type: 'volume', boot_index: 0, delete_on_termination: deleteOnTermination(b, boot) }] } : { imageId: b.server.imageId as string }),
      networks: networks.map((n) => ({ networkId: n })),
      ...(keyName ? { keyName } : {}),
      ...(b.server.availabilityZone ? { availabilityZone: b.server.availabilityZone } : {}),
      metadata: { ...b.server.metadata, 'backstack:restored-from': `${c.backupRef.group}/${c.backupRef.time}` },
    }, opt(signal));
    c.log('info', `Server ${name} (${id}) created; waiting for it to become ACTIVE.`);
    let server = await os.waitForServerStatus(compute, id, 'ACTIVE', { signal, timeoutMs: 15 * 60_000 });

    // 3. Its local disks replaced by the backup's, while it is stopped.
    const fileDisks = b.disks.filter((d) => d.kind === 'file');
    if (fileDisks.length) {
      await compute.post(`servers/${encodeURIComponent(id)}/action`, { 'os-stop': null }, { ok: [202], signal });
      server = await os.waitForServerStatus(compute, id, 'SHUTOFF', { signal, timeoutMs: 10 * 60_000 });
      if (!server.host || !server.instanceName) throw new AppError('auth.forbidden', 'Nova does not tell where the new server runs (admin attributes needed).');
      const ssh = await connect(server.host, server.hypervisorHostname);
      const domain = await dumpDomain(ssh, server.instanceName, signal);
      for (const d of fileDisks) {
        const t = domain.disks.find((x) => x.target === d.target && x.source.kind === 'file');
        if (!t || t.source.kind !== 'file') {
          c.log('warn', `The new server has no local disk ${d.target} (another flavor?): that disk was not restored.`);
          continue;
        }
        c.log('info', `Writing ${d.target} into ${t.source.path}.`);
        await write(ssh, d, { source: t.source, format: t.format ?? 'qcow2' });
      }
      await compute.post(`servers/${encodeURIComponent(id)}/action`, { 'os-start': null }, { ok: [202], signal });
      server = await os.waitForServerStatus(compute, id, 'ACTIVE', { signal, timeoutMs: 10 * 60_000 });
    }

    // 4. The other volumes, attached as they were.
    for (const [target, volumeId] of newVolumes) {
      if (target === boot.target) continue;
      const d = b.disks.find((x) => x.target === target);
      const flag = d ? deleteOnTermination(b, d) : false;
      await os.attachVolume(compute, id, volumeId, { device: `/dev/${target}`, deleteOnTermination: flag, signal }).catch(async (e: unknown) => {
        if (!(e instanceof os.FeatureUnsupportedError)) throw e;
        c.log('warn', `This Nova cannot mark an attached volume to be deleted with its server (needs microversion 2.79): volume ${volumeId} stays when the server is deleted, unlike the original's.`);
        return os.attachVolume(compute, id, volumeId, { device: `/dev/${target}`, signal });
      });
      await os.waitForVolumeStatus(bs, volumeId, 'in-use', { signal, timeoutMs: 10 * 60_000 });
      c.log('info', `Volume ${volumeId} attached as ${target}${flag ? ", deleted with the server like the original's" : ''}.`);
    }
    return { serverId: id, name, verified };
  } finally {
    for (const s of sessions) s.close();
  }
}

async function resolveFlavor(compute: os.ServiceClient, wanted: string | undefined, b: InstanceBackupMetadata, signal: AbortSignal): Promise<string> {
  const all = await os.listFlavors(compute, { signal }).all();
  const key = wanted ?? b.flavor?.id ?? b.server.flavor.id ?? b.server.flavor.name;
  const f = all.find((x) => x.id === key) ?? all.find((x) => x.name === key) ?? (wanted ? undefined : all.find((x) => x.name === b.server.flavor.name));
  if (!f) throw new AppError('resource.notFound', `No flavor "${key ?? '(unknown)'}" in the target cloud: choose one with --flavor.`);
  return f.id;
}

async function resolveNetworks(net: os.ServiceClient, wanted: string | undefined, b: InstanceBackupMetadata, signal: AbortSignal): Promise<string[]> {
  if (wanted) {
    const all = await os.listNetworks(net, { signal }).all();
    const n = all.find((x) => x.id === wanted) ?? all.find((x) => x.name === wanted);
    if (!n) throw new AppError('resource.notFound', `No network "${wanted}" visible in the target project.`);
    return [n.id];
  }
  const ids = [...new Set(b.ports.map((p) => p.networkId))];
  if (!ids.length) throw new AppError('validation.invalidInput', 'The backup lists no network of the instance: choose one with --network.');
  return ids;
}
