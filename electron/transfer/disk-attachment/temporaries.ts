import * as os from '../../openstack';

/**
 * The temporary snapshots, volumes and attachments of one job, removed in reverse order of
 * creation whatever happens (success, failure, cancel), without the job's signal. A removal that
 * fails is logged with the id; the clean-up job finds what is left by its marks (marks.ts).
 */
type Temporary = { kind: 'snapshot'; id: string } | { kind: 'volume'; id: string } | { kind: 'image'; id: string } | { kind: 'attachment'; serverId: string; volumeId: string };

const WAIT = 10 * 60_000;

export class Temporaries {
  private readonly items: Temporary[] = [];

  constructor(
    private readonly blockStorage: os.ServiceClient,
    private readonly compute: os.ServiceClient,
    private readonly image: os.ServiceClient,
    private readonly clock: os.Clock | undefined,
    private readonly log: (level: 'info' | 'warn', m: string) => void,
  ) {}

  add(t: Temporary): void {
    this.items.push(t);
  }

  /** Detaches a volume now (the next one may need the proxy's slot); forgets the attachment. */
  async detach(serverId: string, volumeId: string): Promise<void> {
    const at = this.items.findIndex((t) => t.kind === 'attachment' && t.volumeId === volumeId && t.serverId === serverId);
    if (at >= 0) this.items.splice(at, 1);
    await this.removeOne({ kind: 'attachment', serverId, volumeId });
  }

  /** Deletes a volume or image now (a volume: waits until it is gone, a snapshot with a volume made from it cannot go). */
  async remove(kind: 'volume' | 'image', id: string): Promise<void> {
    const at = this.items.findIndex((t) => t.kind === kind && t.id === id);
    if (at >= 0) this.items.splice(at, 1);
    await this.removeOne({ kind, id });
  }

  /** Removes everything left; true when all of it went. */
  async removeAll(): Promise<boolean> {
    let ok = true;
    while (this.items.length) {
      const t = this.items.pop()!;
      try {
        await this.removeOne(t);
      } catch (e) {
        ok = false;
        const what = t.kind === 'attachment' ? `attachment of volume ${t.volumeId} to the proxy ${t.serverId}` : `${t.kind} ${t.id}`;
        this.log('warn', `The temporary ${what} could not be removed (${(e as Error).message}): \`backstack cleanup\` removes it, or remove it in the cloud.`);
      }
    }
    return ok;
  }

  private async removeOne(t: Temporary): Promise<void> {
    const wait = { clock: this.clock, timeoutMs: WAIT };
    const gone = (e: unknown) => (e instanceof os.NotFoundError ? undefined : Promise.reject(e));
    if (t.kind === 'attachment') {
      await os.detachVolume(this.compute, t.serverId, t.volumeId).catch(gone);
      await os.waitForVolumeStatus(this.blockStorage, t.volumeId, 'available', wait).catch(gone);
      this.log('info', `Volume ${t.volumeId} detached from the proxy.`);
    } else if (t.kind === 'image') {
      await os.deleteImage(this.image, t.id).catch(gone);
      this.log('info', `Temporary image ${t.id} deleted.`);
    } else if (t.kind === 'volume') {
      await os.deleteVolume(this.blockStorage, t.id).catch(gone);
      await os.waitForVolumeDeleted(this.blockStorage, t.id, wait);
      this.log('info', `Temporary volume ${t.id} deleted.`);
    } else {
      await os.deleteSnapshot(this.blockStorage, t.id).catch(gone);
      await os.waitForSnapshotDeleted(this.blockStorage, t.id, wait);
      this.log('info', `Temporary snapshot ${t.id} deleted.`);
    }
  }
}
