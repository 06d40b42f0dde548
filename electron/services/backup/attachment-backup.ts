import type { BackupInstanceParams } from '../../../shared/domain/backups';
import type { ProviderView } from '../../../shared/domain/providers';
import type { Manifest, Repository } from '../../engine';
import type { JobContext } from '../../jobs/types';
import type * as os from '../../openstack';
import { backupThroughProxy, type AttachmentBackupOptions } from '../../transfer/disk-attachment';
import type { ProxyView } from '../../../shared/domain/proxies';
import type { StrategyDeps } from '../strategy';
import { collectInstanceMetadata, instanceSourceInfo } from './metadata';

/**
 * The disk-attachment strategy's part of `backup.instance`: the instance's Cinder volumes read on
 * a proxy VM of the cloud (chosen by availability zone); no hypervisor access needed. Options of
 * the libvirt strategy that need the hypervisor (kept snapshots, excluded disks, hooks) are said
 * not to apply.
 */
export async function backupByAttachment(
  d: StrategyDeps,
  ctx: JobContext<BackupInstanceParams>,
  provider: ProviderView,
  found: { client: os.ProviderClient; server: os.Server },
  repo: Repository,
): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const p = ctx.params;
  const { client, server } = found;
  if (p.excludeDisks.length) ctx.log('warn', `Disks to exclude (${p.excludeDisks.join(', ')}) do not apply to the disk-attachment strategy: every volume is backed up.`);
  if (p.preSnapshot || p.postSnapshot) ctx.log('warn', 'Pre/post-snapshot commands run on the hypervisor or through its guest agent: the disk-attachment strategy has no such access, so they were skipped.');
  const proxy = d.proxies.forZone(provider.id, server.availabilityZone);
  ctx.log('info', `${server.name} (${server.id}), ${server.status}, ${server.attachedVolumes.length} volume(s); proxy ${proxy.serverName} (${proxy.user}@${proxy.address}${proxy.viaHypervisor ? ` through ${proxy.viaHypervisor}` : ''}).`);
  const meta = await collectInstanceMetadata(client, server, ctx.signal);
  for (const w of meta.warnings) ctx.log('warn', `Metadata not exported: ${w}`);
  return readOnProxy(d, ctx, proxy, {
    client,
    of: { server },
    repo,
    group: server.id,
    mode: p.mode,
    sourceInfo: instanceSourceInfo(provider, server, d.installation.id),
    metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
  });
}

/**
 * What an instance's and a standalone volume's backup share: the proxy connected (and closed
 * whatever happens), the job's owner, signal, log and progress handed to the reader.
 */
export async function readOnProxy(
  d: StrategyDeps,
  ctx: JobContext<{ mode: 'full' | 'incremental' | 'auto' }>,
  proxy: ProxyView,
  o: Pick<AttachmentBackupOptions, 'client' | 'of' | 'repo' | 'group' | 'sourceInfo' | 'metadata'> & { mode: 'full' | 'incremental' | 'auto' },
): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const conn = await d.proxies.connect(proxy, ctx.signal);
  try {
    ctx.log('info', `Connected to the proxy, host key ${conn.ssh.hostKey}.`);
    return await backupThroughProxy({
      ...o,
      proxy: { serverId: proxy.serverId, name: proxy.serverName, shell: conn.ssh, sudo: proxy.user !== 'root' },
      owner: { installation: d.installation.id, jobId: ctx.jobId },
      mode: o.mode === 'full' ? 'full' : 'incremental',
      signal: ctx.signal,
      log: (level, m) => ctx.log(level, m),
      onProgress: (phase, engine) => ctx.progress({ phase, unit: 'bytes', bytesDone: engine?.bytesDone ?? 0, bytesTotal: engine?.bytesTotal ?? null }),
    });
  } finally {
    conn.close();
  }
}
