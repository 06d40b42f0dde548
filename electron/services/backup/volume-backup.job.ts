import { formatBytes } from '../../../shared/format';
import type { ProviderView } from '../../../shared/domain/providers';
import type { JobKind } from '../../jobs/types';
import * as os from '../../openstack';
import { recordOf } from '../destinations/destinations.service';
import { cloudIdentity } from '../providers/cloud-identity';
import type { StrategyDeps } from '../strategy';
import { readOnProxy } from './attachment-backup';

/** What a standalone volume's restore point says of where it came from (the instance's counterpart: metadata.ts). */
export function volumeSourceInfo(provider: ProviderView, v: os.Volume, installation: string) {
  return {
    kind: 'volume' as const,
    providerId: provider.id,
    cloud: cloudIdentity(provider),
    resourceId: v.id,
    resourceName: v.name,
    projectId: v.projectId ?? null,
    host: null,
    installation,
  };
}

/**
 * `backup.volume`: a Cinder volume backed up on its own, attached or not, through the cloud's
 * proxy VM (the disk-attachment strategy's reader: a temporary snapshot and volume, digests on
 * the proxy). Its restore points form a group of their own (the volume id) with one disk,
 * `volume`; `restore.volume` brings one back as a new volume.
 */
export function backupVolumeJob(d: StrategyDeps): JobKind<'backup.volume'> {
  return {
    kind: 'backup.volume',
    describeTarget: (p) => {
      const cloud = d.providers.find(p.providerId);
      const name = cloud && d.inventory.get(cloud.id, 'volume', p.volumeId)?.name;
      return `volume ${name || p.volumeId}${cloud ? ` (${cloud.name})` : ''}`;
    },
    maxAttempts: 1,
    slots: (p) => [`cloud:${p.providerId}`, `destination:${p.destinationId ?? 'default'}`],
    async run(ctx) {
      const p = ctx.params;
      const provider = d.providers.get(p.providerId);
      const destination = p.destinationId ? d.destinations.get(p.destinationId) : d.destinations.defaultDestination();
      const entries = d.providers.clients(provider.id);
      const repo = await d.destinations.open(destination.id);
      try {
        ctx.progress({ phase: 'Reading the volume from Cinder', unit: 'bytes', bytesDone: 0, bytesTotal: null });
        const { client, volume } = await findVolume(entries, p.volumeId, ctx.signal);
        const proxy = d.proxies.forZone(provider.id, volume.availabilityZone);
        ctx.log('info', `Volume ${volume.name || volume.id} (${volume.id}), ${volume.sizeGiB} GiB, ${volume.status}; read on the proxy ${proxy.serverName}.`);
        const { manifest, transferredBytes } = await readOnProxy(d, ctx, proxy, {
          client,
          of: { volume },
          repo,
          group: volume.id,
          mode: p.mode,
          sourceInfo: volumeSourceInfo(provider, volume, d.installation.id),
          metadata: { cinder: { volumes: [{ ...volume, type: null }] } },
        });
        d.backups.record(recordOf(destination.id, manifest, ctx.jobId));
        const kind = manifest.source.backupKind === 'incremental' ? 'Incremental' : 'Full';
        return { summary: `${kind} backup ${manifest.id}: volume ${volume.name || volume.id}, ${formatBytes(transferredBytes)} transferred, ${formatBytes(manifest.totals.bytesStored)} stored.` };
      } finally {
        await repo.close();
        await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
      }
    },
  };
}

/** The volume, through the first account of the cloud that sees it. */
async function findVolume(entries: { client: os.ProviderClient }[], id: string, signal: AbortSignal): Promise<{ client: os.ProviderClient; volume: os.Volume }> {
  let last: unknown;
  for (const e of entries) {
    try {
      return { client: e.client, volume: await os.getVolume(await e.client.blockStorage(signal), id, { signal }) };
    } catch (err) {
      if (signal.aborted) throw err;
      last = err;
    }
  }
  throw last ?? new Error(`Volume ${id} not found.`);
}
