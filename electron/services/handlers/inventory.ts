import { AppError } from '../../../shared/errors/codes';
import type { Instance } from '../../../shared/domain/inventory';
import type { HypervisorsRepo, InventoryRepo, ProvidersRepo } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import { sshView } from '../backup/hypervisor-ssh';
import type { Handlers } from '../dispatch';

export interface InventoryHandlerDeps {
  inventory: InventoryRepo;
  hypervisors: HypervisorsRepo;
  providers: ProvidersRepo;
  jobs: JobManager;
}

type InventoryHandlers = Pick<
  Handlers,
  | 'inventory.startSync'
  | 'inventory.listChildren'
  | 'inventory.listInstances'
  | 'inventory.getInstance'
  | 'inventory.listResources'
  | 'hypervisors.list'
>;

export function inventoryHandlers(d: InventoryHandlerDeps): InventoryHandlers {
  // Looked up once per request, not once per row: listing 10,000 instances stays cheap.
  const names = () => new Map(d.providers.list().map((p) => [p.id, p.name]));
  const providerName = (id: string, cache = names()) => cache.get(id) ?? id;
  const mustProvider = (id: string) => {
    const p = d.providers.get(id);
    if (!p) throw new AppError('resource.notFound', `No cloud with id "${id}".`);
    return p;
  };
  return {
    'inventory.startSync': ({ providerId }) => ({ jobId: d.jobs.enqueue('inventory.sync', { providerId: mustProvider(providerId).id }).id }),
    'inventory.listChildren': ({ providerId, parent }) => {
      const instances = d.inventory.list<Instance>({ providerId, kind: 'instance' });
      if (parent.kind === 'provider') {
        const projects = d.inventory.list<{ domainId: string | null }>({ providerId, kind: 'project' });
        return {
          items: d.inventory.list({ providerId, kind: 'domain' }).map((dom) => ({
            kind: 'domain' as const,
            id: dom.id,
            name: dom.name,
            count: projects.filter((p) => p.data.domainId === dom.id).length,
            status: null,
          })),
        };
      }
      if (parent.kind === 'domain') {
        return {
          items: d.inventory
            .list<{ domainId: string | null }>({ providerId, kind: 'project' })
            .filter((p) => p.data.domainId === parent.id)
            .map((p) => ({
              kind: 'project' as const,
              id: p.id,
              name: p.name,
              count: instances.filter((i) => i.projectId === p.id).length,
              status: null,
            })),
        };
      }
      return {
        items: instances
          .filter((i) => i.projectId === parent.id)
          .map((i) => ({ kind: 'instance' as const, id: i.id, name: i.name, count: null, status: i.data.status })),
      };
    },
    'inventory.listInstances': ({ providerId, domainId, projectId, includeVanished }) => {
      const cache = names();
      const rows = d.inventory.listInstanceSummaries({ includeVanished, ...(providerId ? { providerId } : {}), ...(projectId ? { projectId } : {}) });
      return { items: rows.filter((r) => !domainId || r.domainId === domainId).map((r) => ({ ...r, providerName: providerName(r.providerId, cache) })) };
    },
    'inventory.getInstance': ({ providerId, id }) => {
      const r = d.inventory.get<Instance>(providerId, 'instance', id);
      if (!r) throw new AppError('resource.notFound', `No instance ${id} in the inventory of this cloud. Sync it to refresh.`);
      return { ...r.data, providerId, providerName: providerName(providerId), vanishedAt: r.vanishedAt, seenAt: r.seenAt };
    },
    'inventory.listResources': ({ providerId, kind, projectId }) => ({
      items: d.inventory
        .list<Record<string, unknown>>({ providerId, kind, ...(projectId ? { projectId } : {}) })
        .map((r) => ({ id: r.id, name: r.name, projectId: r.projectId, data: r.data, vanishedAt: r.vanishedAt })),
    }),
    'hypervisors.list': ({ providerId }) => ({
      items: d.hypervisors.list(mustProvider(providerId).id).map((h) => ({
        hostname: h.hostname,
        data: h.data,
        ssh: sshView(h),
        vanishedAt: h.vanishedAt,
      })),
    }),
  };
}
