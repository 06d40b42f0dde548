import { AppError } from '../../../shared/errors/codes';
import * as os from '../../openstack';
import { proxyWrite } from '../../transfer/disk-attachment';
import type { StrategyDeps } from '../strategy';
import type { RestoreHost, RestoreHosts, RestoreHostsOptions } from './restore-hosts';

/**
 * For restore points of the disk-attachment strategy: the disks are written on the cloud's proxy
 * VM instead of a hypervisor. The restore through Nova makes every disk a new Cinder volume (they
 * are all volumes in such a restore point, the image-backed root disk too) and hands it over as
 * an "rbd" target named `volume-<id>`; here that volume is attached to the proxy, written there
 * (read back and compared when verifying), and detached again.
 */
export function proxyRestoreHosts(d: Pick<StrategyDeps, 'proxies'>, client: os.ProviderClient, o: RestoreHostsOptions): RestoreHosts {
  return {
    async open(): Promise<RestoreHost> {
      const compute = await client.compute(o.signal);
      const blockStorage = await client.blockStorage(o.signal);
      const proxy = d.proxies.forZone(o.providerId, null);
      const conn = await d.proxies.connect(proxy, o.signal);
      o.log('info', `Disks are written on the proxy ${proxy.serverName} (${proxy.user}@${proxy.address}${proxy.viaHypervisor ? ` through ${proxy.viaHypervisor}` : ''}).`);
      const wait = { clock: client.clock, timeoutMs: 10 * 60_000 };
      return {
        hostname: `proxy ${proxy.serverName}`,
        async write(disk, target, on) {
          const volumeId = target.source.kind === 'rbd' ? /^volume-(.+)$/.exec(target.source.image)?.[1] : undefined;
          if (!volumeId) throw new AppError('unsupported', `Disk ${disk} is not a volume: a restore through the proxy writes volumes only.`);
          await os.attachVolume(compute, proxy.serverId, volumeId, { signal: o.signal });
          try {
            await os.waitForVolumeStatus(blockStorage, volumeId, 'in-use', { ...wait, signal: o.signal });
            const r = await proxyWrite(
              { shell: conn.ssh, serial: volumeId, sudo: proxy.user !== 'root' },
              { repo: o.repo, ref: o.ref, disk, verify: o.verify, signal: o.signal, onProgress: (done, total) => on.progress(done, total), onVerifying: () => on.verifying() },
            );
            o.log('info', `Disk ${disk}: ${r.bytes} bytes sent to the proxy for volume ${volumeId}.`);
            return { sha256: r.sha256 };
          } finally {
            // without the job's signal: a cancelled restore detaches too (its volumes are then removed)
            await os.detachVolume(compute, proxy.serverId, volumeId).catch((e: unknown) => (e instanceof os.NotFoundError ? undefined : Promise.reject(e)));
            await os.waitForVolumeStatus(blockStorage, volumeId, 'available', wait);
          }
        },
        domainDisks: () => Promise.reject(new AppError('unsupported', 'A restore through the proxy writes volumes only: it has no hypervisor to read a domain on.')),
        guestAgentPing: () => Promise.resolve({ answered: false, detail: 'no hypervisor access (disk-attachment strategy): the guest agent is not asked' }),
        close: () => conn.close(),
      };
    },
  };
}
