import type { BackupInstanceParams } from '../../../shared/domain/backups';
import type { ProviderView } from '../../../shared/domain/providers';
import type { Manifest, Repository } from '../../engine';
import type { JobContext } from '../../jobs/types';
import type * as os from '../../openstack';
import { backupThroughImage } from '../../transfer/image-transfer';
import type { StrategyDeps } from '../strategy';
import { collectInstanceMetadata, instanceSourceInfo } from './metadata';

/**
 * The image-transfer strategy's part of `backup.instance`: no hypervisor access needed, only the
 * rights to snapshot the server and download the image. Options of the libvirt strategy that have
 * no meaning here (incremental, kept snapshot, excluded disks, hypervisor-side hooks) are said so.
 */
export async function backupByImage(
  d: StrategyDeps,
  ctx: JobContext<BackupInstanceParams>,
  provider: ProviderView,
  found: { client: os.ProviderClient; server: os.Server },
  repo: Repository,
): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const p = ctx.params;
  const { client, server } = found;
  if (p.mode === 'incremental') ctx.log('info', 'Full backup: the image-transfer strategy downloads the whole image every time; the destination stores only the chunks that changed.');
  if (p.excludeDisks.length) ctx.log('warn', `Disks to exclude (${p.excludeDisks.join(', ')}) do not apply: the image transfer holds the root disk only.`);
  if (p.preSnapshot || p.postSnapshot) ctx.log('warn', 'Pre/post-snapshot commands run on the hypervisor or through its guest agent: the image-transfer strategy has no such access, so they were skipped.');
  ctx.log('info', `${server.name} (${server.id}), ${server.status}${server.host ? ` on ${server.host}` : ''}.`);
  const meta = await collectInstanceMetadata(client, server, ctx.signal);
  for (const w of meta.warnings) ctx.log('warn', `Metadata not exported: ${w}`);
  const r = await backupThroughImage({
    client,
    server,
    owner: { installation: d.installation.id, jobId: ctx.jobId },
    repo,
    group: server.id,
    sourceInfo: instanceSourceInfo(provider, server, d.installation.id),
    metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
    signal: ctx.signal,
    log: (level, m) => ctx.log(level, m),
    onProgress: (phase, engine) => ctx.progress({ phase, unit: 'bytes', bytesDone: engine?.bytesDone ?? 0, bytesTotal: engine?.bytesTotal ?? null }),
  });
  return { ...r, disks: 1 };
}
