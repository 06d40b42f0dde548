import { defaultRestoreName, type RestoreInstanceParams } from '../../../shared/domain/backups';
import type { PreflightItem } from '../../../shared/domain/restore-preflight';
import * as os from '../../openstack';
import { bootDisk, type InstanceBackupMetadata } from './backup-metadata';
import { blocker, info, reason, settle, unreadItem, warning } from './preflight-items';
import { networkItems } from './preflight-network';
import { pickFlavor, planDisks, volumeSizeGiB, volumeTypeOf, wantedKeypair } from './restore-mapping';

/**
 * The pre-flight of a restore: everything the target would refuse, or do differently from the
 * original, found before anything is created. Reads only; each check that cannot be read says so
 * (a warning) instead of failing the others.
 */

const GiB = 1024 ** 3;
const gib = (bytes: number) => Math.ceil(bytes / GiB);

export interface NovaPreflightInput {
  /** signed in to the target project */
  client: os.ProviderClient;
  backup: InstanceBackupMetadata;
  params: RestoreInstanceParams;
  projectId: string;
  signal?: AbortSignal;
}

export async function preflightNova(i: NovaPreflightInput): Promise<PreflightItem[]> {
  const { backup: b, params: p, signal } = i;
  const opt = { signal };
  const [compute, bs, net] = await Promise.all([i.client.compute(signal), i.client.blockStorage(signal), i.client.network(signal)]);
  const name = p.name ?? defaultRestoreName(b.serverName, b.createdAt);
  const boot = bootDisk(b);
  const diskPlan = planDisks(b, p);
  // only the restored disks get volumes
  const rbd = diskPlan.disks.filter((d) => d.kind === 'rbd');
  const fromVolume = boot.kind === 'rbd';
  // Everything read at once; a read that fails becomes its check's warning.
  const [flavors, servers, keypairs, networks, groups, types, image, novaLimits, cinderLimits, zones] = await Promise.all([
    // private flavors too: an admin picks them, a member sees the ones its project may use
    settle(os.listFlavors(compute, { includePrivate: true, signal }).all()),
    settle(os.listServers(compute, opt).all()),
    settle(os.listKeypairs(compute, opt).all()),
    settle(os.listNetworks(net, opt).all()),
    settle(os.listSecurityGroups(net, { projectId: i.projectId, signal }).all()),
    settle(rbd.length ? os.listVolumeTypes(bs, opt).all() : Promise.resolve([])),
    settle(fromVolume || !b.server.imageId ? Promise.resolve(null) : i.client.image(signal).then((g) => os.getImage(g, b.server.imageId!, opt))),
    settle(os.getComputeLimits(compute, opt)),
    settle(rbd.length ? os.getVolumeLimits(bs, opt) : Promise.resolve(null)),
    settle(os.listComputeAvailabilityZones(compute, { detail: false, ...opt })),
  ]);
  const items: PreflightItem[] = [];
  const unread = (field: PreflightItem['field'], item: string, e: unknown) => items.push(unreadItem(field, item, e));

  // Disks: the ones asked for, the boot disk among them.
  for (const m of diskPlan.problems) items.push(blocker('disks', 'Disks', m));
  if (diskPlan.leftOut.length)
    items.push(info('disks', 'Disks', `Left out (not restored): ${diskPlan.leftOut.map((d) => d.target).join(', ')}.`));

  // Name: Nova accepts two servers of one name, people and scripts confuse them.
  if ('error' in servers) unread('name', 'Name', servers.error);
  else if (servers.value.some((s) => s.name === name)) {
    items.push(
      warning(
        'name',
        `Name ${name}`,
        `The project already has a server named "${name}": the restored one would carry the same name. Choose another name to tell them apart.`,
      ),
    );
  } else items.push(info('name', `Name ${name}`, `The instance is restored as "${name}".`));

  // Flavor: it must hold the boot disk when that disk is local; smaller than the original is said.
  let flavor: os.Flavor | undefined;
  if ('error' in flavors) unread('flavor', 'Flavor', flavors.error);
  else {
    const picked = pickFlavor(flavors.value, p.flavor, b);
    flavor = picked.flavor;
    if (!flavor)
      items.push(
        blocker(
          'flavor',
          `Flavor ${picked.key}`,
          `No flavor "${picked.key}" in the target cloud: choose one of ${flavors.value.map((f) => f.name).join(', ') || '(none visible)'}.`,
        ),
      );
    else items.push(...flavorFit(flavor, b, fromVolume));
  }

  // Networks, one per NIC, each keeping its fixed IP where it is free.
  items.push(...(await networkItems(net, b, p, networks, { projectId: i.projectId, isAdmin: i.client.tokenInfo?.isAdmin === true }, signal)));

  // Availability zone: the one asked for must exist; the original's may not in another cloud.
  if ('error' in zones) unread('availabilityZone', 'Availability zone', zones.error);
  else items.push(...zoneItems(zones.value, p.availabilityZone, b.server.availabilityZone));

  // Key pair: the one asked for must exist; the original's may not be this user's.
  const key = wantedKeypair(p, b);
  if (p.keypair === null) items.push(info('keypair', 'Key pair', 'None: the instance is restored without a key pair.'));
  else if (key.name && 'error' in keypairs) unread('keypair', `Key pair ${key.name}`, keypairs.error);
  else if (key.name && 'value' in keypairs && !keypairs.value.some((k) => k.name === key.name)) {
    items.push(
      key.explicit
        ? blocker('keypair', `Key pair ${key.name}`, `The key pair "${key.name}" does not exist for this user: choose one that does, or no key pair.`)
        : warning(
            'keypair',
            `Key pair ${key.name}`,
            `The original key pair "${key.name}" is not available to this user: the instance is restored without one. Choose a key pair, or recreate it under the same name.`,
          ),
    );
  } else if (key.name) items.push(info('keypair', `Key pair ${key.name}`, 'Injected into the restored instance.'));

  // Security groups, by name, in the target project.
  if (p.securityGroups?.length) {
    if ('error' in groups) unread('securityGroups', 'Security groups', groups.error);
    else
      for (const g of p.securityGroups)
        if (!groups.value.some((x) => x.name === g || x.id === g))
          items.push(
            blocker(
              'securityGroups',
              `Security group ${g}`,
              `No security group "${g}" in the target project: create it there, or choose one it has.`,
            ),
          );
  } else {
    const original = b.server.securityGroups.filter((g) => g !== 'default');
    items.push(
      info(
        'securityGroups',
        'Security groups',
        `The project's default group${original.length ? `; the original was also in ${original.join(', ')}: choose them to keep them` : ''}.`,
      ),
    );
  }

  // Volume types of the restored RBD disks' new volumes: the one mapped, else the original's.
  if ('error' in types) unread('volumeType', 'Volume types', types.error);
  else for (const d of rbd) items.push(volumeTypeItem(types.value, d.target, volumeTypeOf(b, d, p), p.volumeTypes?.some((m) => m.disk === d.target) === true));

  // The image a server booting from a local disk starts from (an image-transfer restore point uploads its own).
  if (b.strategy === 'image-transfer') items.push(info('image', 'Image', `Disk ${boot.target} is uploaded to Glance as a new image the server boots from (deleted afterwards unless kept).`));
  else if (!fromVolume) {
    if (!b.server.imageId)
      items.push(
        blocker(
          'image',
          'Image',
          'The backup has no boot image and no boot volume to start from: restore to the hypervisor (target libvirt) instead.',
        ),
      );
    else if ('error' in image) {
      const gone = image.error instanceof os.NotFoundError;
      items.push(
        gone
          ? blocker(
              'image',
              `Image ${b.image?.name ?? b.server.imageId}`,
              `The image the instance was built from (${b.server.imageId}) is gone: restore to the hypervisor (target libvirt) instead.`,
            )
          : warning('image', 'Image', `Could not be checked (${reason(image.error)}); the restore will find out.`),
      );
    }
  }

  // Quota: what the restore adds to the project's usage.
  if ('error' in novaLimits) unread('quota', 'Compute quota', novaLimits.error);
  else {
    const l = novaLimits.value;
    items.push(
      ...overQuota('instances', l.instances, 1),
      ...(flavor ? [...overQuota('cores', l.cores, flavor.vcpus), ...overQuota('RAM (MiB)', l.ramMiB, flavor.ramMiB)] : []),
    );
  }
  if ('error' in cinderLimits) unread('quota', 'Volume quota', cinderLimits.error);
  else if (cinderLimits.value) {
    const l = cinderLimits.value;
    items.push(
      ...overQuota('volumes', l.volumes, rbd.length),
      ...overQuota(
        'gigabytes',
        l.gigabytes,
        rbd.reduce((n, d) => n + volumeSizeGiB(b, d), 0),
      ),
    );
  }
  return items;
}

/** The volume type of one new volume: it must exist in the target cloud. */
export function volumeTypeItem(types: os.VolumeType[], disk: string, type: string | undefined, mapped: boolean): PreflightItem {
  if (!type) return info('volumeType', `Disk ${disk}`, "A new volume of the cloud's default volume type.");
  if (types.some((x) => x.name === type || x.id === type)) return info('volumeType', `Disk ${disk}`, `A new volume of type ${type}.`);
  const choose = `choose one of ${types.map((x) => x.name).join(', ') || '(none visible)'}`;
  return mapped
    ? blocker('volumeType', `Volume type ${type}`, `No volume type "${type}" in the target cloud for disk ${disk}: ${choose}.`)
    : blocker(
        'volumeType',
        `Volume type ${type}`,
        `Disk ${disk}'s volume type "${type}" does not exist in the target cloud: map it to one that does (${choose}), create it there, or restore to the hypervisor.`,
      );
}

/** The zone asked for must exist and be available; the original's, when missing in the target, is left to the scheduler. */
function zoneItems(zones: os.AvailabilityZone[], wanted: string | undefined, original: string | undefined): PreflightItem[] {
  const has = (z: string) => zones.find((x) => x.name === z);
  const names = zones.map((z) => z.name).join(', ') || '(none visible)';
  if (wanted) {
    const z = has(wanted);
    if (!z) return [blocker('availabilityZone', `Availability zone ${wanted}`, `No availability zone "${wanted}" in the target cloud: choose one of ${names}.`)];
    if (!z.available) return [blocker('availabilityZone', `Availability zone ${wanted}`, `The zone "${wanted}" is not available now: choose another of ${names}.`)];
    return [info('availabilityZone', `Availability zone ${wanted}`, 'The instance is created in this zone.')];
  }
  if (!original) return [];
  if (!has(original))
    return [
      warning(
        'availabilityZone',
        `Availability zone ${original}`,
        `The original's zone "${original}" is not in the target cloud: the scheduler picks one. Choose one of ${names} to decide.`,
      ),
    ];
  return [info('availabilityZone', `Availability zone ${original}`, "The original's zone.")];
}

function flavorFit(f: os.Flavor, b: InstanceBackupMetadata, fromVolume: boolean): PreflightItem[] {
  const out: PreflightItem[] = [];
  const what = `Flavor ${f.name}`;
  const boot = bootDisk(b);
  if (!fromVolume) {
    const need = gib(boot.size);
    if (f.diskGiB === 0)
      out.push(
        blocker(
          'flavor',
          what,
          `${f.name} has no root disk (it is made for booting from a volume), and the backup's boot disk ${boot.target} is a local disk of ${need} GiB: choose a flavor with a root disk of at least ${need} GiB.`,
        ),
      );
    else if (f.diskGiB < need)
      out.push(
        blocker(
          'flavor',
          what,
          `${f.name}'s root disk (${f.diskGiB} GiB) is smaller than the backup's boot disk ${boot.target} (${need} GiB): choose a flavor with at least ${need} GiB.`,
        ),
      );
  }
  const ram = b.flavor?.ramMiB ?? b.server.flavor.ramMiB;
  const vcpus = b.flavor?.vcpus ?? b.server.flavor.vcpus;
  if (ram && f.ramMiB < ram)
    out.push(
      warning(
        'flavor',
        what,
        `${f.ramMiB} MiB of RAM where the original had ${ram} MiB: the guest may run short. Choose a flavor with at least ${ram} MiB to match.`,
      ),
    );
  if (vcpus && f.vcpus < vcpus) out.push(warning('flavor', what, `${f.vcpus} vCPUs where the original had ${vcpus}.`));
  if (!out.length) out.push(info('flavor', what, `${f.vcpus} vCPU, ${f.ramMiB} MiB RAM, ${f.diskGiB} GiB root disk.`));
  return out;
}

export function overQuota(what: string, q: os.QuotaFigure, need: number): PreflightItem[] {
  if (q.limit === null || need === 0 || q.used + need <= q.limit) return [];
  return [
    blocker(
      'quota',
      `Quota: ${what}`,
      `The project uses ${q.used} of ${q.limit} ${what} and the restore needs ${need} more: raise the project's quota, or free some.`,
    ),
  ];
}

/**
 * The libvirt target's rules, before any byte is written: the domain name libvirt accepts, and no
 * domain of that name on the host (`definedNames`: the host's domains, or why they could not be read).
 */
export function preflightLibvirt(
  b: InstanceBackupMetadata,
  p: RestoreInstanceParams,
  host: string | null,
  definedNames: string[] | Error,
): PreflightItem[] {
  const name = p.name ?? defaultRestoreName(b.serverName, b.createdAt);
  const items: PreflightItem[] = [];
  if (!b.domainXml) items.push(blocker('restorePoint', 'Domain definition', 'This backup has no saved domain definition: restore it through Nova.'));
  if (name.includes('/')) items.push(blocker('name', `Name ${name}`, `libvirt refuses a domain name with "/": choose another name.`));
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    items.push(blocker('name', 'Name', 'libvirt refuses a domain name with control characters (a line break, a tab …): choose another name.'));
  if (/^\d+$/.test(name))
    items.push(warning('name', `Name ${name}`, 'virsh takes a name of digits only for a domain id: choose a name with a letter in it.'));
  if (!host)
    items.push(blocker('host', 'Hypervisor', 'The backup does not say which hypervisor the instance ran on: name the host to define the domain on.'));
  else if (definedNames instanceof Error) items.push(blocker('host', `Hypervisor ${host}`, `${reason(definedNames)}`));
  else if (definedNames.includes(name))
    items.push(blocker('name', `Name ${name}`, `${host} already has a domain named "${name}": choose another name.`));
  else if (!items.some((x) => x.field === 'name'))
    items.push(info('name', `Name ${name}`, `The domain is defined on ${host} as "${name}" and started.`));
  return items;
}
