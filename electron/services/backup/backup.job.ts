import { AppError } from '../../../shared/errors/codes';
import { BackupInstanceParams } from '../../../shared/domain/backups';
import type { BackupsRepo, HypervisorsRepo, SecretsRepo } from '../../catalog';
import type { JobKind } from '../../jobs/types';
import { backupInstance } from '../../transfer/libvirt-ssh/backup-instance';
import type { SshSession } from '../../transfer/libvirt-ssh/ssh';
import type { ProvidersService } from '../providers/providers.service';
import { recordOf, type RepositoriesService } from '../repositories/repositories.service';
import { connectHypervisor, findHypervisor, logTransfer, nbdTransferOf } from './hypervisor-ssh';
import { collectInstanceMetadata, findServer } from './metadata';

export interface BackupJobDeps {
  providers: ProvidersService;
  repositories: RepositoriesService;
  backups: BackupsRepo;
  hypervisors: HypervisorsRepo;
  secrets: () => SecretsRepo;
}

/**
 * `backup.instance`: an instance backed up straight from its KVM hypervisor over SSH (libvirt
 * strategy). Nova tells where it runs; the hypervisor's SSH settings come from the catalog.
 */
export function backupInstanceJob(d: BackupJobDeps): JobKind<BackupInstanceParams> {
  return {
    kind: 'backup.instance',
    params: BackupInstanceParams as unknown as JobKind<BackupInstanceParams>['params'],
    describeTarget: (p) => `instance ${p.instanceId}`,
    // Not retried automatically: a retry would take another snapshot; the user decides.
    maxAttempts: 1,
    async run(ctx) {
      const p = ctx.params;
      const provider = d.providers.get(p.providerId);
      const repoView = p.repositoryId ? d.repositories.get(p.repositoryId) : d.repositories.defaultRepository();
      const entries = d.providers.clients(provider.id);
      let ssh: SshSession | undefined;
      const sessions: SshSession[] = [];
      const repo = await d.repositories.open(repoView.id);
      try {
        ctx.progress({ phase: 'metadata', unit: 'bytes', bytesDone: 0, bytesTotal: null });
        const { client, server } = await findServer(entries, p.instanceId, ctx.signal);
        if (!server.instanceName || !server.host) {
          throw new AppError('auth.forbidden', `Nova does not tell where ${server.name} runs: the libvirt strategy needs an admin account (OS-EXT-SRV-ATTR attributes).`);
        }
        ctx.log('info', `${server.name} (${server.id}) runs on ${server.host} as ${server.instanceName}.`);
        const meta = await collectInstanceMetadata(client, server, ctx.signal);
        for (const w of meta.warnings) ctx.log('warn', `Metadata not exported: ${w}`);
        const hv = findHypervisor(d.hypervisors, provider.id, server.host, server.hypervisorHostname);
        const connect = async (): Promise<SshSession> => {
          const s = await connectHypervisor(d.hypervisors, d.secrets(), d.hypervisors.get(provider.id, hv.hostname) ?? hv, ctx.signal);
          sessions.push(s);
          return s;
        };
        ssh = await connect();
        ctx.log('info', `Connected to ${hv.hostname} (${hv.ssh.user}@${hv.ssh.address}:${hv.ssh.port}), host key ${ssh.hostKey}.`);
        const transfer = nbdTransferOf(hv);
        logTransfer(transfer, ctx.log);
        const { manifest, transferredBytes, plan } = await backupInstance({
          ssh,
          // Cleanup after a lost connection needs a fresh one; it must not be cut short by a cancel.
          reconnect: () => connectHypervisor(d.hypervisors, d.secrets(), d.hypervisors.get(provider.id, hv.hostname) ?? hv).then((s) => (sessions.push(s), s)),
          domainName: server.instanceName,
          repo,
          group: server.id,
          mode: p.mode,
          exclude: p.excludeDisks,
          keepSnapshot: p.keepSnapshot,
          transfer,
          sourceInfo: {
            kind: 'instance',
            providerId: provider.id,
            resourceId: server.id,
            resourceName: server.name,
            projectId: server.projectId ?? null,
            host: server.host,
          },
          metadata: { nova: meta.nova, glance: meta.glance, cinder: meta.cinder, neutron: meta.neutron },
          hooks: {
            ...(p.preSnapshot ? { pre: { ...p.preSnapshot, domain: server.instanceName } } : {}),
            ...(p.postSnapshot ? { post: { ...p.postSnapshot, domain: server.instanceName } } : {}),
          },
          signal: ctx.signal,
          log: (level, m) => ctx.log(level, m),
          onProgress: ({ disk, index, count, engine }) => {
            ctx.progress({ phase: `disk ${disk} (${index + 1}/${count})`, unit: 'bytes', bytesDone: engine.bytesDone, bytesTotal: engine.bytesTotal });
          },
        });
        d.backups.record(recordOf(repoView.id, manifest, ctx.jobId));
        const kind = manifest.source.backupKind as string;
        const summary = `${kind === 'incremental' ? 'Incremental' : 'Full'} backup ${manifest.id}: ${plan.length} disk(s), ${transferredBytes} bytes transferred, ${manifest.totals.bytesStored} stored.`;
        ctx.log('info', summary);
        return { summary };
      } finally {
        for (const s of sessions) s.close();
        await repo.close();
        await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
      }
    },
  };
}
