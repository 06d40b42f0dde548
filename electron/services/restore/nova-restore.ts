import { AppError } from '../../../shared/errors/codes';
import { defaultRestoreName, type RestoreInstanceParams } from '../../../shared/domain/backups';
import * as os from '../../openstack';
import type { RestoreTarget } from '../../transfer/libvirt-ssh';
import { bootDisk, deleteOnTermination, type BackedUpDisk, type InstanceBackupMetadata } from './backup-metadata';
import type { RestoreHost, RestoreHosts } from './restore-hosts';
import { planAddresses } from './preflight-network';
import type { NicAddress } from './restore-mapping';
import { pickFlavor, planDisks, planNetworks, volumeSizeGiB, volumeTypeOf, wantedKeypair } from './restore-mapping';
import { cleanUp, type Created } from './verify-cleanup';
import { BOOT_PROPERTY } from './glance-restore';

/**
 * Restore through Nova: new Cinder volumes for the RBD disks (written over SSH + qemu-nbd), a new
 * server with the chosen flavor, networks, key pair, security groups and name (booting from the
 * restored volume, or from the original image), then its local disks replaced by the backup's while
 * it is stopped; left SHUTOFF when asked to (power off).
 */

/** What both restore paths (Nova, libvirt) get from the job. */
export interface RestoreCommon {
  params: RestoreInstanceParams;
  backup: InstanceBackupMetadata;
  backupRef: { group: string; time: string };
  providerId: string;
  /** what the restore creates carries these (installation and job): a clean-up after a kill finds it by them */
  marks: Record<string, string>;
  signal: AbortSignal;
  log: (level: 'info' | 'warn', m: string) => void;
  /** what the restore does now, in words ("Writing disk vda"), with the bytes while a disk is written */
  progress: (phase: string, bytes?: { done: number; total: number | null }) => void;
}

export interface RestoreContext extends RestoreCommon {
  client: os.ProviderClient;
  /** the project the server is created in (the client is scoped to it) */
  projectId: string;
  /** the hypervisors disks are written on (sshRestoreHosts in the app) */
  hosts: RestoreHosts;
  /** told of each server and volume as it is created (a boot check removes them afterwards) */
  created?: (r: Created) => void;
}

export async function restoreThroughNova(
  c: RestoreContext,
): Promise<{ serverId: string; name: string; status: string; verified: Record<string, string> }> {
  const { backup: b, params: p, signal } = c;
  // Nova and Cinder are polled on the client's clock (virtual in tests).
  const opt = { signal };
  const wait = (timeoutMs: number) => ({ signal, timeoutMs, clock: c.client.clock });
  c.progress('Looking up the flavor and networks');
  const compute = await c.client.compute(signal);
  const bs = await c.client.blockStorage(signal);
  const net = await c.client.network(signal);
  const diskPlan = planDisks(b, p);
  if (diskPlan.problems.length) throw new AppError('validation.invalidInput', diskPlan.problems.join(' '));
  if (diskPlan.leftOut.length) c.log('info', `Left out as asked: ${diskPlan.leftOut.map((d) => d.target).join(', ')}.`);
  const flavorId = await resolveFlavor(compute, p.flavor, b, signal);
  const { networkIds: networks, visible } = await resolveNetworks(net, p, b, signal);
  const scope = { projectId: c.projectId, isAdmin: c.client.tokenInfo?.isAdmin === true, networks: visible };
  const addresses = await planAddresses(net, b, networks, scope, signal).catch((e: unknown) => {
    c.log('warn', `The networks' addresses could not be read (${e instanceof Error ? e.message : String(e)}): every NIC gets a new address.`);
    return [];
  });
  for (const a of addresses)
    if (a.original)
      c.log(
        'info',
        a.keep
          ? `NIC ${a.nic.index} keeps its fixed IP ${a.keep}.`
          : `NIC ${a.nic.index}: its fixed IP ${a.original} is not kept (${a.why ?? 'not free'}); it gets a new address.`,
      );
  const zone = await resolveZone(compute, p.availabilityZone, b.server.availabilityZone, c.log, signal);
  const name = p.name ?? defaultRestoreName(b.serverName, b.createdAt);
  const boot = bootDisk(b);
  const verified: Record<string, string> = {};
  const hosts: RestoreHost[] = [];
  const open = async (host: string | null | undefined, hypervisorHostname?: string | null): Promise<RestoreHost> => {
    c.progress(`Connecting to ${hypervisorHostname ?? host ?? 'the hypervisor'}`);
    const h = await c.hosts.open(host, hypervisorHostname);
    hosts.push(h);
    return h;
  };
  const write = async (host: RestoreHost, disk: BackedUpDisk, target: RestoreTarget): Promise<void> => {
    const writing = `Writing disk ${disk.target}`;
    c.progress(writing, { done: 0, total: disk.size });
    const written = await host.write(disk.target, target, {
      progress: (done, total) => c.progress(writing, { done, total }),
      verifying: () => c.progress(`Verifying disk ${disk.target}`),
    });
    if (written.sha256) {
      verified[disk.target] = written.sha256;
      c.log('info', `Disk ${disk.target}: verified on ${host.hostname.startsWith('proxy ') ? 'the proxy' : 'the hypervisor'}, sha256 ${written.sha256}.`);
    }
  };
  const serverAction = async (id: string, action: 'os-stop' | 'os-start', status: string, phase: string): Promise<os.Server> => {
    c.progress(phase);
    await compute.post(`servers/${encodeURIComponent(id)}/action`, { [action]: null }, { ok: [202], signal });
    return os.waitForServerStatus(compute, id, status, wait(10 * 60_000));
  };

  // What this restore made, removed again if it does not finish (a failure, a cancel).
  const created: Created[] = [];
  const made = (x: Created) => {
    created.push(x);
    c.created?.(x);
  };
  try {
    // 1. Cinder volumes for RBD disks, filled before any server uses them.
    const newVolumes = new Map<string, string>();
    const rbdDisks = diskPlan.disks.filter((d) => d.kind === 'rbd');
    if (rbdDisks.length) {
      const host = await open(b.host);
      for (const d of rbdDisks) {
        c.progress(`Creating a volume for disk ${d.target}`);
        const volumeType = volumeTypeOf(b, d, p);
        const v = await os.createVolume(
          bs,
          {
            sizeGiB: volumeSizeGiB(b, d),
            name: `${name}-${d.target}`,
            ...(volumeType ? { volumeType } : {}),
            description: `Restored by Backstack from backup ${c.backupRef.group}/${c.backupRef.time}`,
            metadata: c.marks,
          },
          opt,
        );
        made({ kind: 'volume', id: v.id, name: `${name}-${d.target}` });
        await os.waitForVolumeStatus(bs, v.id, 'available', wait(10 * 60_000));
        c.log(
          'info',
          `Volume ${v.id} (${volumeType ? `type ${volumeType}` : "the cloud's default type"}) created for ${d.target}; writing the backup into ${d.pool ? `rbd ${d.pool}/volume-${v.id}` : 'it'}.`,
        );
        await write(host, d, {
          source: { kind: 'rbd', pool: d.pool ?? 'volumes', image: `volume-${v.id}`, snapshot: null, user: d.rbdUser ?? null },
          format: 'raw',
        });
        newVolumes.set(d.target, v.id);
        if (d === boot) await makeBootable(bs, v.id, b, c.log, signal);
      }
    }

    // 2. The server: from the restored boot volume, or from the original image.
    const bootVolume = newVolumes.get(boot.target);
    if (!bootVolume) {
      if (!b.server.imageId) throw new AppError('unsupported', 'The backup has no boot image and no boot volume to start from.');
      await os.getImage(await c.client.image(signal), b.server.imageId, opt).catch(() => {
        throw new AppError(
          'resource.notFound',
          `The image ${b.server.imageId} the instance was built from is gone: restore to the hypervisor (target libvirt) instead.`,
        );
      });
    }
    const keyName = await usableKeypair(compute, c);
    c.progress('Waiting for Nova to build the server');
    const { id } = await os.createServer(
      compute,
      {
        name,
        flavorId,
        // the restored volumes live and die with the server as the original's did
        ...(bootVolume
          ? {
              blockDeviceMappings: [
                {
                  uuid: bootVolume,
                  source_type: 'volume',
                  destination_type: 'volume',
                  boot_index: 0,
                  delete_on_termination: deleteOnTermination(b, boot),
                },
              ],
            }
          : { imageId: b.server.imageId as string }),
        ...serverPlacement(c, networks, addresses, keyName, zone),
      },
      opt,
    );
    made({ kind: 'server', id, name });
    c.log('info', `Server ${name} (${id}) created; waiting for it to become ACTIVE.`);
    let server = await os.waitForServerStatus(compute, id, 'ACTIVE', wait(15 * 60_000));

    // 3. Its local disks replaced by the backup's, while it is stopped.
    const fileDisks = diskPlan.disks.filter((d) => d.kind === 'file');
    if (fileDisks.length) {
      server = await serverAction(id, 'os-stop', 'SHUTOFF', 'Stopping the server to write its disks');
      if (!server.host || !server.instanceName)
        throw new AppError('auth.forbidden', 'Nova does not tell where the new server runs (admin attributes needed).');
      const host = await open(server.host, server.hypervisorHostname);
      const disks = await host.domainDisks(server.instanceName);
      for (const d of fileDisks) {
        const t = disks.find((x) => x.target === d.target && x.source.kind === 'file');
        if (!t || t.source.kind !== 'file') {
          c.log('warn', `The new server has no local disk ${d.target} (another flavor?): that disk was not restored.`);
          continue;
        }
        c.log('info', `Writing ${d.target} into ${t.source.path}.`);
        await write(host, d, { source: t.source, format: t.format ?? 'qcow2' });
      }
      if (p.power !== 'off') server = await serverAction(id, 'os-start', 'ACTIVE', 'Starting the server');
    }

    // 4. The other volumes, attached as they were.
    for (const [target, volumeId] of newVolumes) {
      if (target === boot.target) continue;
      const d = b.disks.find((x) => x.target === target);
      const flag = d ? deleteOnTermination(b, d) : false;
      c.progress(`Attaching the volume of disk ${target}`);
      await os.attachVolume(compute, id, volumeId, { device: `/dev/${target}`, deleteOnTermination: flag, signal }).catch(async (e: unknown) => {
        if (!(e instanceof os.FeatureUnsupportedError)) throw e;
        c.log(
          'warn',
          `This Nova cannot mark an attached volume to be deleted with its server (needs microversion 2.79): volume ${volumeId} stays when the server is deleted, unlike the original's.`,
        );
        return os.attachVolume(compute, id, volumeId, { device: `/dev/${target}`, signal });
      });
      await os.waitForVolumeStatus(bs, volumeId, 'in-use', wait(10 * 60_000));
      c.log('info', `Volume ${volumeId} attached as ${target}${flag ? ", deleted with the server like the original's" : ''}.`);
    }
    if (p.power === 'off' && server.status !== 'SHUTOFF') server = await serverAction(id, 'os-stop', 'SHUTOFF', 'Stopping the server (power off)');
    return { serverId: id, name, status: server.status, verified };
  } catch (e) {
    await removeCreated(c.client, created, c);
    throw e;
  } finally {
    for (const h of hosts) h.close();
  }
}

/**
 * A new volume holding the boot disk: marked bootable (Nova refuses a boot volume that is not),
 * with the boot properties (hw_*, os_type …) the original's volume or image carried.
 */
async function makeBootable(bs: os.ServiceClient, id: string, b: InstanceBackupMetadata, log: RestoreCommon['log'], signal: AbortSignal): Promise<void> {
  await os.setVolumeBootable(bs, id, true, { signal });
  const original = b.volumes.find((v) => v.id === bootDisk(b).serial)?.imageMetadata ?? b.image?.properties ?? {};
  const props = Object.fromEntries(Object.entries(original).filter(([k]) => BOOT_PROPERTY.test(k)));
  if (!Object.keys(props).length) return;
  await os.setVolumeImageMetadata(bs, id, props, { signal }).catch((e: unknown) =>
    log('warn', `The boot properties (${Object.keys(props).join(', ')}) could not be set on volume ${id} (${(e as Error).message}): Nova boots it with its defaults.`),
  );
}

/**
 * The key pair the new server gets. Key pairs belong to users: the original one may be invisible to
 * the user restoring. Nova would refuse the server ("Invalid key_name"), so restore without it and
 * say so (as the reference product does).
 */
/**
 * How the new server joins its project, whatever it boots from: its NICs (each keeping its fixed
 * IP when that address is free), key pair, security groups, zone, and the marks naming the
 * restore point and this installation's job.
 */
export function serverPlacement(
  c: Pick<RestoreCommon, 'params' | 'backup' | 'backupRef' | 'marks'>,
  networks: string[],
  addresses: Pick<NicAddress, 'keep'>[],
  keyName: string | undefined,
  zone: string | undefined,
): Pick<os.CreateServerRequest, 'networks' | 'keyName' | 'securityGroups' | 'availabilityZone' | 'metadata'> {
  return {
    networks: networks.map((n, i) => ({ networkId: n, ...(addresses[i]?.keep ? { fixedIp: addresses[i].keep } : {}) })),
    ...(keyName ? { keyName } : {}),
    ...(c.params.securityGroups?.length ? { securityGroups: c.params.securityGroups } : {}),
    ...(zone ? { availabilityZone: zone } : {}),
    metadata: { ...c.backup.server.metadata, 'backstack:restored-from': `${c.backupRef.group}/${c.backupRef.time}`, ...c.marks },
  };
}

export async function usableKeypair(compute: os.ServiceClient, c: Pick<RestoreContext, 'params' | 'backup' | 'client' | 'log' | 'signal'>): Promise<string | undefined> {
  const key = wantedKeypair(c.params, c.backup);
  if (!key.name || key.explicit) return key.name;
  const mine = await os.listKeypairs(compute, { signal: c.signal }).all();
  if (mine.some((k) => k.name === key.name)) return key.name;
  c.log(
    'warn',
    `The key pair ${key.name} of the original instance is not available to ${c.client.tokenInfo?.userName ?? 'this user'}: the instance is restored without a key pair. Recreate it under the same name, or choose one in the restore options.`,
  );
  return undefined;
}

export async function resolveFlavor(compute: os.ServiceClient, wanted: string | undefined, b: InstanceBackupMetadata, signal: AbortSignal): Promise<string> {
  const { flavor, key } = pickFlavor(await os.listFlavors(compute, { includePrivate: true, signal }).all(), wanted, b);
  if (!flavor) throw new AppError('resource.notFound', `No flavor "${key}" in the target cloud: choose one with --flavor.`);
  return flavor.id;
}

/** The zone asked for; else the original's when the target has it (another cloud may not: the scheduler picks). */
export async function resolveZone(
  compute: os.ServiceClient,
  wanted: string | undefined,
  original: string | undefined,
  log: RestoreCommon['log'],
  signal: AbortSignal,
): Promise<string | undefined> {
  if (wanted || !original) return wanted;
  const zones = await os.listComputeAvailabilityZones(compute, { detail: false, signal }).catch(() => null);
  if (!zones || zones.some((z) => z.name === original)) return original;
  log('warn', `The original's availability zone ${original} is not in the target cloud: the scheduler picks one.`);
  return undefined;
}

export async function resolveNetworks(
  net: os.ServiceClient,
  p: RestoreInstanceParams,
  b: InstanceBackupMetadata,
  signal: AbortSignal,
): Promise<{ networkIds: string[]; visible: os.Network[] }> {
  const visible = await os.listNetworks(net, { signal }).all();
  const plan = planNetworks(b, p, visible);
  if (plan.problems.length) throw new AppError('resource.notFound', plan.problems.join(' '));
  return { networkIds: plan.networkIds, visible };
}

/**
 * Removes what a restore that did not finish created (the server, then every volume still there),
 * without the job's signal: a cancelled restore cleans up too. Each removal, or why one failed, is logged.
 */
export async function removeCreated(client: os.ProviderClient, created: Created[], c: Pick<RestoreCommon, 'log' | 'progress'>): Promise<void> {
  if (!created.length) return;
  c.progress('Removing what the restore created');
  const removed = await cleanUp(client, created, c.log);
  if (removed.length)
    c.log('warn', `The restore did not finish: removed what it had created (${removed.map((x) => `${x.kind} ${x.id}`).join(', ')}).`);
}
