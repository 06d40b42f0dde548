import type * as os from '../../openstack';
import type { HypervisorsTable, InventoryTable, ProvidersTable, ResourceInput } from '../../catalog';
import type { ResourceKind } from '../../../shared/domain/inventory';
import { plural } from '../../../shared/format';
import type { JobKind } from '../../jobs/types';
import { toAppError } from '../../lib/errors';
import type { ProvidersService } from '../providers/providers.service';
import { collect, type Collected } from './collect';
import * as map from './mappers';

const STEPS_PER_DOMAIN = 12;

export interface SyncDeps {
  providers: ProvidersService;
  providersTable: ProvidersTable;
  inventory: InventoryTable;
  hypervisors: HypervisorsTable;
  /** after the inventory is stored: policies' rules assign (and release) members; lines for the log */
  afterSync?: () => { lines: string[] };
}

const uniqueById = <T extends { id: string }>(lists: T[][]): T[] => [...new Map(lists.flat().map((x) => [x.id, x])).values()];

/** Inventory sync: lists what every authentication domain of a cloud sees and stores it. */
export function inventorySyncJob(d: SyncDeps): JobKind<'inventory.sync'> {
  return {
    kind: 'inventory.sync',
    describeTarget: (p) => `cloud ${d.providersTable.get(p.providerId)?.name ?? p.providerId}`,
    maxAttempts: 3,
    concurrency: 1,
    async run(ctx) {
      const seenAt = new Date().toISOString();
      const entries = d.providers.clients(ctx.params.providerId);
      const total = entries.length * STEPS_PER_DOMAIN;
      let done = 0;
      const step = (name: string) => {
        ctx.progress({ phase: name, unit: 'steps', bytesDone: Math.min(++done, total - 1), bytesTotal: total });
      };
      const collected: Collected[] = [];
      try {
        for (const e of entries) {
          ctx.log('info', `Listing what ${e.domain.userName} in domain ${e.domain.name} can see.`);
          const c = await collect(e.provider, e.domain, e.client, step, ctx.signal);
          for (const w of c.warnings) ctx.log('warn', w);
          if (!c.admin) ctx.log('info', `${e.domain.userName} has no admin role: projects were listed one by one and hypervisors are not visible.`);
          collected.push(c);
        }
        const started = performance.now();
        const summary = await store(d, ctx.params.providerId, collected, seenAt);
        ctx.log('info', `Catalog updated in ${Math.round(performance.now() - started)} ms.`);
        d.providersTable.setSyncResult(ctx.params.providerId, seenAt, null);
        ctx.progress({ phase: 'done', unit: 'steps', bytesDone: total, bytesTotal: total });
        ctx.log('info', `Inventory stored: ${summary}.`);
        for (const line of d.afterSync?.().lines ?? []) ctx.log('info', line);
        return { summary };
      } catch (e) {
        d.providersTable.setSyncResult(ctx.params.providerId, seenAt, toAppError(e).message);
        throw e;
      } finally {
        await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
      }
    },
  };
}

/** Rows written per transaction before the event loop gets a turn (keeps the UI and API responsive). */
const BATCH = 2000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function store(d: SyncDeps, providerId: string, all: Collected[], seenAt: string): Promise<string> {
  const u = <T extends { id: string }>(pick: (c: Collected) => T[]): T[] => uniqueById(all.map(pick));
  const projects = u((c) => c.projects);
  const projectIds = projects.map((p) => p.id);
  const volumeTypes = new Map(u((c) => c.volumeTypes).map((t) => [t.id, t]));
  const volumes = u((c) => c.volumes).map((v) => map.mapVolume(v, volumeTypes));
  const images = u((c) => c.images);
  const subnets = new Map(u((c) => c.subnets).map((s) => [s.id, s]));
  const ctx: map.InstanceContext = {
    projects: new Map(projects.map((p) => [p.id, p])),
    volumes: new Map(volumes.map((v) => [v.id, v])),
    images: new Map(images.map((i) => [i.id, i])),
    flavors: new Map(u((c) => c.flavors).map((f) => [f.id, f])),
  };
  const instances = u((c) => c.servers).map((s: os.Server) => map.mapInstance(s, ctx));
  const keypairs = [...new Map(all.flatMap((c) => c.keypairs).map((k) => [k.name, k])).values()];
  const zones = [
    ...new Map(
      all.flatMap((c) => c.computeZones).map((z) => [`compute:${z.name}`, { name: z.name, service: 'compute' as const, available: z.available }]),
    ).values(),
    ...new Map(
      all.flatMap((c) => c.volumeZones).map((z) => [`volume:${z.name}`, { name: z.name, service: 'volume' as const, available: z.available }]),
    ).values(),
  ];

  const put = async (kind: ResourceKind, items: ResourceInput[], scopeToProjects = false) => {
    for (let i = 0; i < items.length; i += BATCH) {
      d.inventory.upsertMany(providerId, kind, items.slice(i, i + BATCH), seenAt);
      await yieldToLoop();
    }
    d.inventory.markVanished(providerId, kind, seenAt, scopeToProjects ? projectIds : undefined);
  };
  await put(
    'domain',
    u((c) => c.domains).map((x) => ({ id: x.id, projectId: null, name: x.name, data: map.mapDomain(x) })),
  );
  await put(
    'project',
    projects.map((x) => ({ id: x.id, projectId: x.id, name: x.name, data: map.mapProject(x) })),
  );
  await put(
    'flavor',
    [...ctx.flavors.values()].map((x) => ({ id: x.id, projectId: null, name: x.name, data: map.mapFlavor(x) })),
  );
  await put(
    'keypair',
    keypairs.map((x) => ({ id: x.name, projectId: null, name: x.name, data: map.mapKeypair(x) })),
  );
  await put(
    'image',
    images.map((x) => ({ id: x.id, projectId: x.ownerId ?? null, name: x.name, data: map.mapImage(x) })),
  );
  await put(
    'volumeType',
    [...volumeTypes.values()].map((x) => ({ id: x.id, projectId: null, name: x.name, data: map.mapVolumeType(x) })),
  );
  await put(
    'network',
    u((c) => c.networks).map((x) => ({ id: x.id, projectId: x.projectId ?? null, name: x.name, data: map.mapNetwork(x, subnets) })),
  );
  await put(
    'availabilityZone',
    zones.map((z) => ({ id: `${z.service}:${z.name}`, projectId: null, name: z.name, data: z })),
  );
  await put(
    'volume',
    volumes.map((x) => ({ id: x.id, projectId: x.projectId, name: x.name, data: x })),
    true,
  );
  await put(
    'snapshot',
    u((c) => c.snapshots).map((x) => ({ id: x.id, projectId: x.projectId ?? null, name: x.name, data: map.mapSnapshot(x) })),
    true,
  );
  await put(
    'instance',
    instances.map((x) => ({ id: x.id, projectId: x.projectId, name: x.name, data: x })),
    true,
  );
  const hypervisors = [...new Map(all.flatMap((c) => c.hypervisors).map((h) => [h.hostname, map.mapHypervisor(h)])).values()];
  if (all.some((c) => c.admin)) d.hypervisors.upsertFromSync(providerId, hypervisors, seenAt);
  d.inventory.changed();
  return [
    plural(u((c) => c.domains).length, 'domain'),
    plural(projects.length, 'project'),
    plural(instances.length, 'instance'),
    plural(volumes.length, 'volume'),
    plural(images.length, 'image'),
    plural(hypervisors.length, 'hypervisor'),
  ].join(', ');
}
