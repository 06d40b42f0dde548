import type { Repository } from '../../engine';
import { dumpDomain, restoreDiskOverSsh, type DomainDisk, type RestoreTarget } from '../../transfer/libvirt-ssh';
import { logTransfer, type HypervisorsService } from '../hypervisors/hypervisors.service';

/** What a restore through Nova is told while one disk is written. */
export interface DiskWriteEvents {
  progress(done: number, total: number | null): void;
  /** the data is written; the hypervisor now reads it back to compare */
  verifying(): void;
}

/** A hypervisor the restore writes disks on. */
export interface RestoreHost {
  readonly hostname: string;
  /** writes one disk of the restore point into `target`; the sha256 when verified */
  write(disk: string, target: RestoreTarget, on: DiskWriteEvents): Promise<{ sha256: string | null }>;
  /** the disks of a libvirt domain on this host (a new server's local disks) */
  domainDisks(instanceName: string): Promise<DomainDisk[]>;
  /** asks the domain's QEMU guest agent for a ping (libvirt on the host): answered, or why not */
  guestAgentPing(instanceName: string): Promise<{ answered: boolean; detail: string }>;
  close(): void;
}

/**
 * The hypervisors of the restore's cloud. Over SSH with each host's saved settings in the app;
 * the seam lets a test run a whole restore through Nova (the MockAgent cloud) without a host.
 */
export interface RestoreHosts {
  /** the host by Nova's service host or hypervisor hostname; refused when it has no SSH settings */
  open(host: string | null | undefined, hypervisorHostname?: string | null): Promise<RestoreHost>;
}

/** What a restore job hands to the hosts it writes on. */
export interface RestoreHostsOptions {
  hypervisors: HypervisorsService;
  providerId: string;
  repo: Repository;
  ref: { group: string; time: string };
  verify: boolean;
  signal: AbortSignal;
  log: (level: 'info', m: string) => void;
}
export type RestoreHostsFactory = (o: RestoreHostsOptions) => RestoreHosts;

/** The hosts over SSH, with the settings saved for each (services/hypervisors). */
export function sshRestoreHosts(o: RestoreHostsOptions): RestoreHosts {
  return {
    async open(host, hypervisorHostname) {
      const hv = o.hypervisors.forServer(o.providerId, host, hypervisorHostname);
      const ssh = await o.hypervisors.connect(hv, o.signal);
      // how this host takes disk data (its hypervisor setting)
      const transfer = o.hypervisors.transferOf(hv);
      logTransfer(transfer, o.log);
      return {
        hostname: hv.hostname,
        write: (disk, target, on) =>
          restoreDiskOverSsh(ssh, o.repo, {
            group: o.ref.group,
            backup: o.ref.time,
            disk,
            target,
            transfer,
            verify: o.verify,
            signal: o.signal,
            onProgress: (e) => on.progress(e.bytesDone, e.bytesTotal),
            onVerifying: () => on.verifying(),
          }),
        domainDisks: async (name) => (await dumpDomain(ssh, name, o.signal)).disks,
        guestAgentPing: async (name) => {
          try {
            const out = await ssh.run(['virsh', 'qemu-agent-command', '--timeout', '10', name, '{"execute":"guest-ping"}'], { signal: o.signal });
            return { answered: true, detail: `guest-ping answered ${out.trim().slice(0, 80)}` };
          } catch (e) {
            if (o.signal.aborted) throw e;
            return { answered: false, detail: (e instanceof Error ? e.message : String(e)).trim().slice(0, 300) };
          }
        },
        close: () => ssh.close(),
      };
    },
  };
}
