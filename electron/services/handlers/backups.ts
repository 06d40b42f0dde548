import { AppError } from '../../../shared/errors/codes';
import type { BackupsRepo, HypervisorsRepo, ProvidersRepo, SecretsRepo } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import { saveSshSettings, sshView } from '../backup/hypervisor-ssh';
import type { Handlers } from '../dispatch';

export interface BackupHandlerDeps {
  backups: BackupsRepo;
  hypervisors: HypervisorsRepo;
  providers: ProvidersRepo;
  jobs: JobManager;
  getSecrets: () => SecretsRepo;
}

type BackupHandlers = Pick<Handlers, 'hypervisors.setSsh' | 'backups.start' | 'backups.list' | 'restore.start'>;

export function backupHandlers(d: BackupHandlerDeps): BackupHandlers {
  const mustProvider = (id: string) => {
    const p = d.providers.get(id);
    if (!p) throw new AppError('resource.notFound', `No cloud with id or name "${id}".`);
    return p;
  };
  return {
    'hypervisors.setSsh': (i) => {
      const providerId = mustProvider(i.providerId).id;
      saveSshSettings(d.hypervisors, d.getSecrets(), providerId, i.hostname, {
        address: i.address,
        port: i.port,
        user: i.user,
        auth: i.privateKey ? { kind: 'key', privateKey: i.privateKey, ...(i.passphrase ? { passphrase: i.passphrase } : {}) } : { kind: 'password', password: i.password as string },
        hostKey: i.hostKey ?? null,
        transfer: i.transfer === 'direct' ? { kind: 'direct', address: i.transferAddress ?? null, ports: i.transferPorts } : { kind: 'ssh' },
      });
      const h = d.hypervisors.get(providerId, i.hostname);
      if (!h) throw new AppError('internal', `The SSH settings of ${i.hostname} were not saved.`);
      return { hostname: h.hostname, ssh: sshView(h) };
    },
    'backups.start': (i) => ({ jobId: d.jobs.enqueue('backup.instance', { ...i, providerId: mustProvider(i.providerId).id }).id }),
    'backups.list': (i) => ({
      items: d.backups
        .list({ ...(i.resourceId ? { resourceId: i.resourceId } : {}), ...(i.repositoryId ? { repositoryId: i.repositoryId } : {}) })
        .filter((b) => !i.providerId || b.providerId === i.providerId),
    }),
    'restore.start': (i) => ({ jobId: d.jobs.enqueue('restore.instance', i).id }),
  };
}
