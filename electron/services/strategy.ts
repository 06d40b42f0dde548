import type { KeepRules } from '../../shared/domain/destinations';
import type { OfferedStrategy, ProviderView } from '../../shared/domain/providers';
import type { BackupRecord, BackupsTable, InventoryTable } from '../catalog';
import type { DestinationsService } from './destinations/destinations.service';
import type { HypervisorsService } from './hypervisors/hypervisors.service';
import type { ProxiesService } from './proxies/proxies.service';
import type { ProvidersService } from './providers/providers.service';
import type { RestoreHostsFactory } from './restore/restore-hosts';

/** What the backup and restore jobs of a strategy need from the rest of the core. */
export interface StrategyDeps {
  providers: ProvidersService;
  destinations: DestinationsService;
  backups: BackupsTable;
  /** the synced inventory: what jobs are named after, and where an instance runs before a job is queued */
  inventory: InventoryTable;
  hypervisors: HypervisorsService;
  /** the proxy VMs of the disk-attachment strategy */
  proxies: ProxiesService;
  /** the hypervisors a restore through Nova writes disks on: over SSH in the app, a fake in tests */
  restoreHosts: RestoreHostsFactory;
  /** this installation, as its snapshots on hypervisors name it */
  installation: InstallationInfo;
  /** the keep rules of the policy that started a backup, applied after it succeeds */
  retentionFor(policyId: string): KeepRules | null;
  /** the warning for a restore point just recorded whose incremental changed unusually much (its policy's factor), or null */
  unusualChange(record: BackupRecord, policyId: string | undefined): string | null;
  /** queues the boot check of a restore point just recorded when its policy's is due; the job log's line about it, or null */
  bootCheck(record: BackupRecord, policyId: string | undefined): Promise<{ level: 'info' | 'warn'; message: string } | null>;
  /** after a good backup: queues the copy of the new restore point when its policy copies; the job log's line about it, or null */
  copyAfter?(record: BackupRecord, policyId: string | undefined): { level: 'info' | 'warn'; message: string } | null;
  /** after a good backup: queues the file index of the new restore point (a job of its own, files.index) */
  indexFiles?(record: BackupRecord): void;
}

export interface InstallationInfo {
  id: string;
  /** a job of this installation whose id starts with this tag runs (its snapshots are in use) */
  isJobRunning(tag: string): boolean;
  /** the id of a running backup job of this instance (other than `except`), if any */
  backupRunning(instanceId: string, except?: string): string | null;
}

/** The strategy a backup runs with, and why: the one asked for (a policy or "Back up now"), else the cloud's. */
export function chooseStrategy(
  provider: ProviderView,
  asked: OfferedStrategy | undefined,
  log: (level: 'info' | 'warn', m: string) => void,
): OfferedStrategy {
  const names: Record<OfferedStrategy, string> = {
    'libvirt-ssh': 'libvirt (SSH to the hypervisor)',
    'image-transfer': 'image transfer (Nova snapshot through Glance)',
    'disk-attachment': 'disk attachment (Cinder volumes read on a proxy VM)',
  };
  if (asked) {
    log('info', `Strategy: ${names[asked]}, as asked for this backup${asked !== provider.strategy ? ` (${provider.name} is set to ${names[provider.strategy]})` : ''}.`);
    return asked;
  }
  log('info', `Strategy: ${names[provider.strategy]}, the setting of ${provider.name}.`);
  return provider.strategy;
}

/**
 * "instance web-1 (lab)": a job's target, for people. The name is the one given (a restore
 * point's), else the inventory's, else the id; the cloud is left out when it is not known.
 */
export function describeInstance(d: Pick<StrategyDeps, 'providers' | 'inventory'>, providerId: string | null, instanceId: string, name?: string): string {
  const cloud = providerId ? d.providers.find(providerId) : undefined;
  const known = name || (cloud && d.inventory.get(cloud.id, 'instance', instanceId)?.name);
  return `instance ${known || instanceId}${cloud ? ` (${cloud.name})` : ''}`;
}
