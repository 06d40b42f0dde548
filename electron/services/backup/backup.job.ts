import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { JobContext, JobKind } from '../../jobs/types';
import type * as os from '../../openstack';
import type { BackupInstanceParams } from '../../../shared/domain/backups';
import type { ProviderView } from '../../../shared/domain/providers';
import { backupInstance, type SshSession } from '../../transfer/libvirt-ssh';
import { recordOf } from '../destinations/destinations.service';
import { logTransfer } from '../hypervisors/hypervisors.service';
import { chooseStrategy, describeInstance, type StrategyDeps } from '../strategy';
import { backupByImage } from './image-backup';
import { backupByAttachment } from './attachment-backup';
import { collectInstanceMetadata, findServer, instanceSourceInfo } from './metadata';
import type { KeepRules } from '../../../shared/domain/destinations';
import { applyRetention } from '../policies/retention';
import { listBackups, type Manifest, type Repository } from '../../engine';

/**
 * The policy's retention after a good backup. A failure here does not undo the backup: it is a
 * warning, and the next backup (or a prune) tries again.
 */
async function retain(repo: Repository, destinationId: string, group: string, keep: KeepRules, log: (l: 'info' | 'warn', m: string) => void, d: StrategyDeps): Promise<void> {
  try {
    const r = await applyRetention(repo, group, keep, d.installation.id);
    for (const id of r.removed) log('info', `Retention: removed ${id} (no keep rule of the policy keeps it).`);
    if (r.removed.length) d.backups.removeMissing(destinationId, new Set((await listBackups(repo)).map((m) => m.id)));
    log('info', `Retention: ${r.kept.length} restore point(s) of this instance kept, ${r.removed.length} removed.`);
  } catch (e) {
    log('warn', `Retention was not applied: ${(e as Error).message} The restore point just made is safe; the next backup applies retention again.`);
  }
}

/**
 * `backup.instance`: an instance backed up straight from its KVM hypervisor over SSH (libvirt
 * strategy; Nova tells where it runs, the hypervisor's SSH settings come from the catalog), or
 * through a Nova snapshot downloaded from Glance (image-transfer strategy, image-backup.ts), or
 * its Cinder volumes read on a proxy VM (disk-attachment strategy, attachment-backup.ts).
 */
export function backupInstanceJob(d: StrategyDeps): JobKind<'backup.instance'> {
  return {
    kind: 'backup.instance',
    describeTarget: (p) => describeInstance(d, p.providerId, p.instanceId),
    // Not retried automatically: a retry would take another snapshot; the user decides.
    maxAttempts: 1,
    // Limits per cloud, hypervisor and destination (Settings) apply to backups alone.
    slots: (p) => {
      if (p.strategy === 'image-transfer' || p.strategy === 'disk-attachment') return [`cloud:${p.providerId}`, `destination:${p.destinationId ?? 'default'}`];
      const host = d.inventory.get<{ host?: string | null }>(p.providerId, 'instance', p.instanceId)?.data.host;
      return [`cloud:${p.providerId}`, ...(host ? [`host:${p.providerId}/${host}`] : []), `destination:${p.destinationId ?? 'default'}`];
    },
    notAfter: (p) => p.notAfter,
    async run(ctx) {
      const p = ctx.params;
      const provider = d.providers.get(p.providerId);
      const strategy = chooseStrategy(provider, p.strategy, ctx.log);
      // Two backups of one instance at once would each snapshot on top of the other's.
      const other = d.installation.backupRunning(p.instanceId, ctx.jobId);
      if (other) throw new AppError('validation.invalidInput', `A backup of this instance is already running (job ${other}): start this one after it has ended.`);
      const destination = p.destinationId ? d.destinations.get(p.destinationId) : d.destinations.defaultDestination();
      const entries = d.providers.clients(provider.id);
      const sessions: SshSession[] = [];
      const repo = await d.destinations.open(destination.id);
      try {
        ctx.progress({ phase: 'Reading the instance from Nova', unit: 'bytes', bytesDone: 0, bytesTotal: null });
        const found = await findServer(entries, p.instanceId, ctx.signal);
        const { manifest, transferredBytes, disks } =
          strategy === 'image-transfer'
            ? await backupByImage(d, ctx, provider, found, repo)
            : strategy === 'disk-attachment'
              ? await backupByAttachment(d, ctx, provider, found, repo)
              : await backupByLibvirt(d, ctx, provider, found, repo, sessions);
        const record = recordOf(destination.id, manifest, ctx.jobId);
        d.backups.record(record);
        const kind = manifest.source.backupKind as string;
        // "backup <id>:" stays first: the lab tests read the restore point's id from it.
        const summary = `${kind === 'incremental' ? 'Incremental' : 'Full'} backup ${manifest.id}: ${disks} disk(s), ${formatBytes(transferredBytes)} transferred, ${formatBytes(manifest.totals.bytesStored)} stored.`;
        ctx.log('info', summary);
        // A warning (the job ends "warning"): an early sign of ransomware encrypting the disk.
        const unusual = d.unusualChange(record, p.policyId);
        if (unusual) ctx.log('warn', unusual);
        const keep = p.policyId ? d.retentionFor(p.policyId) : null;
        if (keep) await retain(repo, destination.id, manifest.group, keep, ctx.log, d);
        const check = await d.bootCheck(record, p.policyId);
        if (check) ctx.log(check.level, check.message);
        const copy = d.copyAfter?.(record, p.policyId);
        if (copy) ctx.log(copy.level, copy.message);
        try {
          d.indexFiles?.(record);
        } catch (e) {
          ctx.log('warn', `The file index of ${manifest.id} was not queued: ${(e as Error).message} Index it with backstack files index --backup ${manifest.id}.`);
        }
        return { summary };
      } finally {
        for (const s of sessions) s.close();
        await repo.close();
        await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
      }
    },
  };
}

/** The libvirt strategy's part of `backup.instance`: the instance read from its hypervisor over SSH (sessions closed by the caller). */
async function backupByLibvirt(
  d: StrategyDeps,
  ctx: JobContext<BackupInstanceParams>,
  provider: ProviderView,
  found: { client: os.ProviderClient; server: os.Server },
  repo: Repository,
  sessions: SshSession[],
): Promise<{ manifest: Manifest; transferredBytes: number; disks: number }> {
  const p = ctx.params;
  const { client, server } = found;
  if (!server.instanceName || !server.host) {
    throw new AppError('auth.forbidden', `Nova does not tell where ${server.name} runs: the libvirt strategy needs an admin account (OS-EXT-SRV-ATTR attributes).`);
  }
  ctx.log('info', `${server.name} (${server.id}) runs on ${server.host} as ${server.instanceName}.`);
  const meta = await collectInstanceMetadata(client, server, ctx.signal);
  for (const w of meta.warnings) ctx.log('warn', `Metadata not exported: ${w}`);
  const hv = d.hypervisors.forServer(provider.id, server.host, server.hypervisorHostname);
  const ssh = await d.hypervisors.connect(hv, ctx.signal);
  sessions.push(ssh);
  ctx.log('info', `Connected to ${hv.hostname} (${hv.ssh.user}@${hv.ssh.address}:${hv.ssh.port}), host key ${ssh.hostKey}.`);
  const transfer = d.hypervisors.transferOf(hv);
  logTransfer(transfer, ctx.log);
  const { manifest, transferredBytes, plan } = await backupInstance({
    // named in the overlays and snapshots it leaves; our running jobs' snapshots are never repaired
    owner: { installation: d.installation.id, jobId: ctx.jobId, isJobRunning: (t) => d.installation.isJobRunning(t) },
    ssh,
    // Cleanup after a lost connection needs a fresh one; it must not be cut short by a cancel.
    reconnect: () => d.hypervisors.connect(hv).then((s) => (sessions.push(s), s)),
    domainName: server.instanceName,
    repo,
    group: server.id,
    mode: p.mode,
    exclude: p.excludeDisks,
    keepSnapshot: p.keepSnapshot,
    transfer,
    sourceInfo: instanceSourceInfo(provider, server, d.installation.id),
    metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
    hooks: {
      ...(p.preSnapshot ? { pre: { ...p.preSnapshot, domain: server.instanceName } } : {}),
      ...(p.postSnapshot ? { post: { ...p.postSnapshot, domain: server.instanceName } } : {}),
    },
    signal: ctx.signal,
    log: (level, m) => ctx.log(level, m),
    onProgress: ({ disk, index, count, engine }) => {
      ctx.progress({ phase: `Backing up disk ${disk} (${index + 1} of ${count})`, unit: 'bytes', bytesDone: engine.bytesDone, bytesTotal: engine.bytesTotal });
    },
  });
  return { manifest, transferredBytes, disks: plan.length };
}
