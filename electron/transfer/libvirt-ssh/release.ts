import { planRepair, type Owner } from './disk-state';
import { dumpDomain, readDiskStates, runActions } from './snapshot-ops';
import type { SshSession } from './ssh';

export interface ReleasedSnapshots {
  /** what was merged or removed, one line per overlay or RBD snapshot */
  released: string[];
  /** what was left alone: another installation's snapshots, or those of a job of ours still running */
  others: string[];
}

/**
 * Merges every overlay of this installation back (each into the image directly below it) and
 * removes its RBD snapshots, the kept ones included: the instance runs on Nova's own disks again,
 * as far as this installation is concerned (before a migration, a resize or a volume delete).
 * Another installation's snapshots and those of our running jobs stay. The next backup of its RBD disks is full.
 */
export async function releaseSnapshots(ssh: SshSession, domainName: string, owner: Owner, log: (m: string) => void = () => undefined): Promise<ReleasedSnapshots> {
  const domain = await dumpDomain(ssh, domainName);
  const { actions, verdicts } = planRepair(await readDiskStates(ssh, domain, []), { ...owner, keptToken: null, keptDisks: [] });
  await runActions(ssh, domainName, actions, log);
  return {
    released: verdicts.flatMap((v) => v.repaired.map((r) => `${v.target}: ${r}`)),
    others: verdicts.flatMap((v) => v.others.map((r) => `${v.target}: ${r}`)),
  };
}
