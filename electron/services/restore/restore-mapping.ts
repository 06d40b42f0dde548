import type { RestoreInstanceParams } from '../../../shared/domain/backups';
import type * as os from '../../openstack';
import type { BackedUpDisk, InstanceBackupMetadata } from './backup-metadata';

/**
 * How a restore's options map the original onto the target cloud (flavor, one network per NIC):
 * pure, so the pre-flight and the restore itself decide alike.
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
export function volumeSizeGiB(b: InstanceBackupMetadata, d: BackedUpDisk): number {
  const orig = b.volumes.find((v) => v.id === d.serial);
  return Math.max(orig?.sizeGiB ?? 0, Math.ceil(d.size / GiB));
}
