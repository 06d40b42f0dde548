import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { JobParams } from '../../../shared/domain/jobs';
import { defaultSnapshotName, SNAPSHOT_MARK, SnapshotPurpose, type DeleteSnapshotInput, type SnapshotItem } from '../../../shared/domain/snapshots';
import type { Instance } from '../../../shared/domain/inventory';
import * as os from '../../openstack';
import type { JobManager } from '../../jobs/manager';
import type { JobContext, JobKind } from '../../jobs/types';
import type { InventoryService } from '../inventory/inventory.service';
import type { ProvidersService } from '../providers/providers.service';
import { firstSignedIn } from '../restore/target-cloud';

const GiB = 1024 ** 3;
type Inst = Instance & { providerName: string };

/**
 * Snapshot management for one instance: its instance snapshots (Glance images Nova made of it)
 * and the Cinder snapshots of its volumes, listed, taken (as a job, waited for) and deleted.
 * What Backstack takes carries this installation's id; another installation's is never deleted,
 * and one kept for incremental backups only after the admin confirms the next backup is full.
 */
export class SnapshotsService {
  constructor(
    private readonly deps: {
      providers: Pick<ProvidersService, 'clients' | 'get'>;
      inventory: Pick<InventoryService, 'instance'>;
      installationId: string;
      jobs: JobManager;
    },
  ) {}

  /**
   * Runs `fn` with a client that can work on the instance: one scoped to its project first (what
   * it makes is then the project's), else an account's default scope (an admin elsewhere).
   */
  private async withClient<T>(
    providerId: string,
    projectId: string,
    signal: AbortSignal | undefined,
    fn: (c: os.ProviderClient) => Promise<T>,
  ): Promise<T> {
    const entries = [
      ...this.deps.providers.clients(providerId, () => ({ kind: 'project', id: projectId })),
      ...this.deps.providers.clients(providerId),
    ];
    try {
      const client = await firstSignedIn(
        entries.map((e) => e.client),
        signal,
      );
      if (!client) throw new AppError('auth.failed', 'No account of this cloud can sign in: check its credentials under Clouds.');
      return await fn(client);
    } finally {
      await Promise.all(entries.map((e) => e.client.close().catch(() => undefined)));
    }
  }

  /** The instance from the inventory; the cloud named by id or name. */
  private instance(provider: string, instanceId: string): Inst & { providerId: string } {
    return this.deps.inventory.instance(this.deps.providers.get(provider).id, instanceId);
  }

  private mark(props: Record<string, string>): Pick<SnapshotItem, 'madeBy' | 'purpose'> {
    const by = props[SNAPSHOT_MARK.installation];
    const purpose = SnapshotPurpose.safeParse(props[SNAPSHOT_MARK.purpose]);
    return {
      madeBy: by === undefined ? null : by === this.deps.installationId ? 'this' : 'other',
      purpose: by !== undefined && purpose.success ? purpose.data : null,
    };
  }

  async list(provider: string, instanceId: string, signal?: AbortSignal): Promise<SnapshotItem[]> {
    const inst = this.instance(provider, instanceId);
    return this.withClient(inst.providerId, inst.projectId, signal, async (c) => {
      const image = await c.image(signal);
      const images = await os.listImages(image, { instanceUuid: inst.id, visibility: 'all', signal }).all();
      const items: SnapshotItem[] = images.map((i) => ({
        kind: 'instance',
        id: i.id,
        name: i.name,
        status: i.status,
        sizeBytes: i.sizeBytes ?? null,
        createdAt: i.createdAt ?? null,
        volumeId: null,
        device: null,
        ...this.mark(i.properties),
      }));
      if (inst.volumes.length) {
        const bs = await c.blockStorage(signal);
        for (const v of inst.volumes) {
          // Admins see every project's snapshots of the volume; others their project's.
          const snaps = await os
            .listSnapshots(bs, { volumeId: v.id, allTenants: true, signal })
            .all()
            .catch((e: unknown) =>
              e instanceof os.OpenStackError && e.code === 'FORBIDDEN' ? os.listSnapshots(bs, { volumeId: v.id, signal }).all() : Promise.reject(e),
            );
          for (const s of snaps)
            items.push({
              kind: 'volume',
              id: s.id,
              name: s.name,
              status: s.status,
              sizeBytes: s.sizeGiB * GiB,
              createdAt: s.createdAt ?? null,
              volumeId: v.id,
              device: v.device,
              ...this.mark(s.metadata),
            });
        }
      }
      return items.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    });
  }

  /** Queues a snapshot of the instance (or one of its volumes); the job waits until it is usable. */
  startCreate(params: JobParams<'snapshot.create'>): { jobId: string } {
    const inst = this.instance(params.providerId, params.instanceId);
    if (params.volumeId && !inst.volumes.some((v) => v.id === params.volumeId))
      throw new AppError(
        'validation.invalidInput',
        `Volume ${params.volumeId} is not attached to ${inst.name}. Sync the inventory if it was attached since.`,
      );
    const name = params.name ?? defaultSnapshotName(inst.name, new Date());
    return { jobId: this.deps.jobs.enqueue('snapshot.create', { ...params, name, providerId: inst.providerId }).id };
  }

  private async create(ctx: JobContext<JobParams<'snapshot.create'>>): Promise<string> {
    const p = ctx.params;
    const inst = this.instance(p.providerId, p.instanceId);
    const marks = { [SNAPSHOT_MARK.installation]: this.deps.installationId, [SNAPSHOT_MARK.purpose]: 'manual' };
    return this.withClient(p.providerId, inst.projectId, ctx.signal, async (c) => {
      const wait = {
        signal: ctx.signal,
        clock: c.clock,
        timeoutMs: 2 * 3_600_000,
        onProgress: (x: { status: string } | null) => x && ctx.progress({ phase: `Snapshot ${x.status}` }),
      };
      if (p.volumeId) {
        const bs = await c.blockStorage(ctx.signal);
        ctx.progress({ phase: 'Asking Cinder for the snapshot' });
        // force: the volume is attached (in-use); Cinder snapshots it crash-consistent.
        const name = p.name ?? defaultSnapshotName(inst.name, new Date());
        const s = await os.createSnapshot(bs, { volumeId: p.volumeId, name, force: true, metadata: marks }, { signal: ctx.signal });
        ctx.log('info', `Cinder snapshot ${s.id} of volume ${p.volumeId} requested.`);
        const done = await os.waitForSnapshotStatus(bs, s.id, 'available', wait);
        return `Snapshot ${name} (${done.id}) of volume ${p.volumeId} of ${inst.name} is available, ${done.sizeGiB} GiB.`;
      }
      const compute = await c.compute(ctx.signal);
      ctx.progress({ phase: 'Asking Nova for the snapshot' });
      const name = p.name ?? defaultSnapshotName(inst.name, new Date());
      const { imageId } = await os.createServerImage(compute, inst.id, { name, metadata: marks }, { signal: ctx.signal });
      ctx.log('info', `Nova makes image ${imageId} of ${inst.name}.`);
      const image = await c.image(ctx.signal);
      const done = await os.waitForImageStatus(image, imageId, 'active', wait);
      return `Snapshot ${name} (${imageId}) of ${inst.name} is active${done.sizeBytes ? `, ${formatBytes(done.sizeBytes)}` : ''}.`;
    });
  }

  /** Deletes one snapshot of the instance, after the checks that keep other installations' and incremental chains safe. */
  async delete(input: DeleteSnapshotInput, signal?: AbortSignal): Promise<{ deleted: string }> {
    const item = (await this.list(input.providerId, input.instanceId, signal)).find((s) => s.kind === input.kind && s.id === input.id);
    const inst = this.instance(input.providerId, input.instanceId);
    if (!item) throw new AppError('resource.notFound', `No snapshot ${input.id} of ${inst.name}: it may be deleted already. Refresh the list.`);
    if (item.madeBy === 'other')
      throw new AppError(
        'validation.invalidInput',
        `${item.name} was made by another Backstack installation, which may still need it; it is not deleted from here. Delete it from that installation, or in the cloud's own tools if you are sure.`,
      );
    if (item.purpose === 'incremental' && !input.confirmIncremental)
      throw new AppError(
        'validation.invalidInput',
        `${item.name} is kept for the next incremental backup of ${inst.name}: deleting it makes the next backup full. Confirm to delete it.`,
      );
    await this.withClient(inst.providerId, inst.projectId, signal, async (c) => {
      const wait = { signal, clock: c.clock, timeoutMs: 10 * 60_000 };
      if (item.kind === 'volume') {
        const bs = await c.blockStorage(signal);
        await os.deleteSnapshot(bs, item.id, { signal });
        await os.waitForSnapshotDeleted(bs, item.id, wait);
      } else {
        const image = await c.image(signal);
        await os.deleteImage(image, item.id, { signal });
        await os.waitForImageDeleted(image, item.id, wait);
      }
    });
    return { deleted: item.name };
  }

  jobKind(): JobKind<'snapshot.create'> {
    return {
      kind: 'snapshot.create',
      describeTarget: (p) => {
        const inst = (() => {
          try {
            return this.instance(p.providerId, p.instanceId);
          } catch {
            return null; // gone from the inventory since: the ids say what it was
          }
        })();
        const volume = p.volumeId && (inst?.volumes.find((v) => v.id === p.volumeId)?.device ?? p.volumeId);
        return `${volume ? `volume ${volume} of ` : ''}instance ${inst?.name ?? p.instanceId}${inst ? ` (${inst.providerName})` : ''}`;
      },
      slots: (p) => [`cloud:${p.providerId}`],
      run: async (ctx) => ({ summary: await this.create(ctx) }),
    };
  }
}
