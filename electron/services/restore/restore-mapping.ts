import { BlockList, isIP } from 'node:net';
import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import type * as os from '../../openstack';
import { bootDisk, type BackedUpDisk, type InstanceBackupMetadata } from './backup-metadata';

/**
 * How a restore's options map the original onto the target cloud (flavor, one network per NIC and
 * its address, the disks and their volume types): pure, so the pre-flight and the restore itself decide alike.
 */

/** A NIC of the original instance, in the order the backup recorded its ports. */
export interface BackedUpNic {
  index: number;
  networkId: string;
  /** the network's name, from the server's addresses (by MAC) */
  networkName: string | undefined;
}

export function nicsOf(b: InstanceBackupMetadata): BackedUpNic[] {
  return b.ports.map((p, index) => ({
    index,
    networkId: p.networkId,
    networkName: b.server.addresses.find((a) => a.mac && a.mac === p.macAddress)?.network,
  }));
}

/** "NIC 0 (demo-net)" */
export function nicLabel(n: BackedUpNic): string {
  return `NIC ${n.index} (${n.networkName ?? n.networkId})`;
}

export interface NetworkPlan {
  /** the network each new NIC is on, in order */
  networkIds: string[];
  /** what cannot be mapped, each saying what to do (empty when the plan is usable) */
  problems: string[];
  /** NICs that keep their original network */
  kept: BackedUpNic[];
}

type NetworkChoice = Pick<RestoreInstanceParams, 'network' | 'networks'>;

/** Each NIC: its own mapping (`networks`, by original network name or NIC index), else `network`, else the original network. */
export function planNetworks(b: InstanceBackupMetadata, p: NetworkChoice, visible: Pick<os.Network, 'id' | 'name'>[]): NetworkPlan {
  const find = (key: string) => visible.find((n) => n.id === key) ?? visible.find((n) => n.name === key);
  const nics = nicsOf(b);
  const problems: string[] = [];
  const kept: BackedUpNic[] = [];
  for (const m of p.networks ?? []) {
    if (!nics.some((n) => n.index === m.from || n.networkName === m.from || n.networkId === m.from)) {
      problems.push(
        `The original instance has no NIC ${typeof m.from === 'number' ? `${m.from}` : `on a network "${m.from}"`}: its NICs are ${nics.map(nicLabel).join(', ') || 'none'}.`,
      );
    }
  }
  if (!nics.length) {
    if (!p.network) return { networkIds: [], problems: [...problems, 'The backup lists no network of the instance: choose one.'], kept };
    const n = find(p.network);
    return n
      ? { networkIds: [n.id], problems, kept }
      : { networkIds: [], problems: [...problems, `No network "${p.network}" in the target project: choose one it has.`], kept };
  }
  const networkIds: string[] = [];
  for (const nic of nics) {
    const mapped = p.networks?.find((m) => m.from === nic.index || m.from === nic.networkName || m.from === nic.networkId)?.to ?? p.network;
    const n = find(mapped ?? nic.networkId);
    if (n) networkIds.push(n.id);
    else if (mapped) problems.push(`No network "${mapped}" in the target project for ${nicLabel(nic)}: choose one it has.`);
    else problems.push(`The original network of ${nicLabel(nic)} is not in the target project: map it to one that is (--network ${nic.index}=NET).`);
    if (n && !mapped) kept.push(nic);
  }
  return { networkIds, problems, kept };
}

/** The flavor asked for (name or id), else the original's (by id, then name); undefined when none matches. */
export function pickFlavor(all: os.Flavor[], wanted: string | undefined, b: InstanceBackupMetadata): { flavor: os.Flavor | undefined; key: string } {
  const key = wanted ?? b.flavor?.id ?? b.server.flavor.id ?? b.server.flavor.name ?? '(unknown)';
  const flavor =
    all.find((x) => x.id === key) ?? all.find((x) => x.name === key) ?? (wanted ? undefined : all.find((x) => x.name === b.server.flavor.name));
  return { flavor, key };
}

/** The key pair the restored server gets: none (null), the one asked for, or the original's. */
export function wantedKeypair(p: Pick<RestoreInstanceParams, 'keypair'>, b: InstanceBackupMetadata): { name: string | undefined; explicit: boolean } {
  if (p.keypair === null) return { name: undefined, explicit: true };
  return { name: p.keypair ?? b.server.keyName ?? undefined, explicit: p.keypair !== undefined };
}

const GiB = 1024 ** 3;

/** The size of the new volume for an RBD disk: the original volume's, or the disk's rounded up to whole GiB. */
export function volumeSizeGiB(b: Pick<InstanceBackupMetadata, 'volumes'>, d: BackedUpDisk): number {
  const orig = b.volumes.find((v) => v.id === d.serial);
  return Math.max(orig?.sizeGiB ?? 0, Math.ceil(d.size / GiB));
}

export interface DiskPlan {
  /** the disks restored, in the backup's order (the boot disk always among them) */
  disks: BackedUpDisk[];
  /** the disks the restore point holds that are left out */
  leftOut: BackedUpDisk[];
  /** what cannot be done, each saying what to do (empty when the plan is usable) */
  problems: string[];
}

/** The disks to restore (`disks`, default all) and whether each volume type asked for goes with a restored volume. */
export function planDisks(b: InstanceBackupMetadata, p: Pick<RestoreInstanceParams, 'disks' | 'volumeTypes'>): DiskPlan {
  const names = b.disks.map((d) => d.target);
  const problems: string[] = [];
  for (const n of p.disks ?? []) if (!names.includes(n)) problems.push(`The restore point has no disk ${n}: its disks are ${names.join(', ')}.`);
  const boot = bootDisk(b);
  if (p.disks && !p.disks.includes(boot.target))
    problems.push(`The boot disk ${boot.target} is always restored (the instance starts from it): add it to the disks (--disk ${boot.target}).`);
  const restored = (d: BackedUpDisk) => !p.disks || p.disks.includes(d.target) || d === boot;
  const disks = b.disks.filter(restored);
  for (const m of p.volumeTypes ?? []) {
    const d = b.disks.find((x) => x.target === m.disk);
    if (!d) problems.push(`The restore point has no disk ${m.disk} to give the volume type "${m.type}": its disks are ${names.join(', ')}.`);
    else if (!restored(d)) problems.push(`Disk ${m.disk} is left out of the restore: it gets no volume, so no volume type. Restore it too, or drop its volume type.`);
    else if (d.kind !== 'rbd')
      problems.push(`Disk ${m.disk} is a local disk of the server (its flavor gives it), not a volume: it takes no volume type. Drop its volume type.`);
  }
  return { disks, leftOut: b.disks.filter((d) => !restored(d)), problems };
}

/** The volume type of a restored disk's new volume: the one asked for, else the original volume's (undefined: the cloud's default). */
export function volumeTypeOf(b: InstanceBackupMetadata, d: BackedUpDisk, p: Pick<RestoreInstanceParams, 'volumeTypes'>): string | undefined {
  return p.volumeTypes?.find((m) => m.disk === d.target)?.type ?? b.volumes.find((v) => v.id === d.serial)?.volumeType ?? undefined;
}

/** Whether a NIC keeps its original fixed IP in its target network. */
export interface NicAddress {
  nic: BackedUpNic;
  /** the original address (undefined: the backup records none) */
  original: string | undefined;
  /** the address asked of Nova: the original when it is free there, else undefined (the network gives one) */
  keep: string | undefined;
  /** why the original is not kept */
  why?: string;
}

/**
 * Each NIC keeps its original address when its target network has a subnet holding it and no port
 * of that network uses it (the original server's own port counts: restoring beside it gets a new address).
 */
export function planFixedIps(
  b: InstanceBackupMetadata,
  networkIds: string[],
  subnets: Pick<os.Subnet, 'networkId' | 'cidr' | 'gatewayIp'>[],
  ports: Pick<os.Port, 'id' | 'networkId' | 'deviceId' | 'fixedIps'>[],
  /** Neutron lets an admin, or the network's own project, choose an address in it */
  mayChoose: (networkId: string) => boolean,
): NicAddress[] {
  return nicsOf(b).map((nic) => {
    const original = b.ports[nic.index]?.fixedIps[0]?.ipAddress;
    const networkId = networkIds[nic.index];
    if (!original || !networkId) return { nic, original, keep: undefined };
    if (!mayChoose(networkId)) return { nic, original, keep: undefined, why: "only an admin or the network's own project may choose an address in it" };
    if (!subnets.some((s) => s.networkId === networkId && inCidr(original, s.cidr)))
      return { nic, original, keep: undefined, why: 'it is in no subnet of the target network' };
    if (subnets.some((s) => s.networkId === networkId && s.gatewayIp === original))
      return { nic, original, keep: undefined, why: "it is the target subnet's gateway" };
    const user = ports.find((x) => x.networkId === networkId && x.fixedIps.some((f) => f.ipAddress === original));
    if (user) return { nic, original, keep: undefined, why: `port ${user.id}${user.deviceId ? ` (of ${user.deviceId})` : ''} uses it` };
    return { nic, original, keep: original };
  });
}

function inCidr(ip: string, cidr: string): boolean {
  const [net = '', bits = ''] = cidr.split('/');
  const v = isIP(ip);
  if (!v || isIP(net) !== v || !/^\d+$/.test(bits)) return false;
  const list = new BlockList();
  list.addSubnet(net, Number(bits), v === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}
