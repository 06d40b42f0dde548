import type { Instance, InstanceSummary, ResourceItem, ResourceKind } from '../../../shared/domain/inventory';
import { AppError } from '../../../shared/errors/codes';
import type { InventoryTable, ProvidersTable, ResourceFilter, TreeNode } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import type { ProvidersService } from '../providers/providers.service';

/** What the last sync of each cloud found, for the tree, the instance table and the pickers. */
export class InventoryService {
  constructor(
    private readonly table: InventoryTable,
    private readonly providersTable: ProvidersTable,
    private readonly providers: ProvidersService,
    private readonly jobs: JobManager,
  ) {}

  startSync(providerIdOrName: string): { jobId: string } {
    return { jobId: this.jobs.enqueue('inventory.sync', { providerId: this.providers.get(providerIdOrName).id }).id };
  }

  /** One level of the tree (provider → domain → project → instance), loaded lazily. */
  children(providerId: string, parent: { kind: 'provider' } | { kind: 'domain' | 'project'; id: string }): TreeNode[] {
    return this.table.treeChildren(providerId, parent);
  }

  instances(filter: ResourceFilter): InstanceSummary[] {
    // Looked up once per request, not once per row: listing 10,000 instances stays cheap.
    const names = this.providerNames();
    return this.table.listInstanceSummaries(filter).map((r) => ({ ...r, providerName: names.get(r.providerId) ?? r.providerId }));
  }

  instance(providerId: string, id: string): Instance & { providerId: string; providerName: string; vanishedAt: string | null; seenAt: string } {
    const r = this.table.get<Instance>(providerId, 'instance', id);
    if (!r) throw new AppError('resource.notFound', `No instance ${id} in the inventory of this cloud. Sync it to refresh.`);
    return { ...r.data, providerId, providerName: this.providerNames().get(providerId) ?? providerId, vanishedAt: r.vanishedAt, seenAt: r.seenAt };
  }

  /** Flavors, keypairs, networks … of a cloud, for pickers (restore) and detail views. */
  resources(providerId: string, kind: ResourceKind, filter: { projectId?: string | undefined; includeVanished?: boolean } = {}): ResourceItem[] {
    return this.table
      .list<Record<string, unknown>>({ providerId, kind, ...filter })
      .map((r) => ({ id: r.id, name: r.name, projectId: r.projectId, data: r.data, vanishedAt: r.vanishedAt }));
  }

  private providerNames(): Map<string, string> {
    return new Map(this.providersTable.list().map((p) => [p.id, p.name]));
  }
}
