import * as os from '../../openstack';

/** A server or volume a restore (or a boot check) created. */
export interface Created {
  kind: 'server' | 'volume';
  id: string;
  name: string;
}

const WAIT_MS = 10 * 60_000;

/**
 * Removes what a restore or boot check created: the server first (its volumes are let go), then every volume
 * still there. Runs after a cancel too, so it takes no job signal. Each removal is said; one that
 * fails is said with its id (and left out of what it returns), for the admin to remove by hand, and does not stop the others.
 */
export async function cleanUp(client: os.ProviderClient, created: Created[], log: (level: 'info' | 'warn', m: string) => void): Promise<Created[]> {
  const removed: Created[] = [];
  if (!created.length) return removed;
  const wait = { timeoutMs: WAIT_MS, clock: client.clock };
  const failed = (c: Created, e: unknown) =>
    log('warn', `The ${c.kind} ${c.name} (${c.id}) created here could not be removed (${e instanceof Error ? e.message : String(e)}): remove it by hand.`);
  const compute = await client.compute();
  for (const c of created.filter((x) => x.kind === 'server')) {
    try {
      await os.deleteServer(compute, c.id).catch((e: unknown) => (e instanceof os.NotFoundError ? undefined : Promise.reject(e)));
      await os.waitForServerDeleted(compute, c.id, wait);
      removed.push(c);
      log('info', `Removed the server ${c.name} (${c.id}).`);
    } catch (e) {
      failed(c, e);
    }
  }
  const volumes = created.filter((x) => x.kind === 'volume');
  if (!volumes.length) return removed;
  const bs = await client.blockStorage();
  for (const c of volumes) {
    try {
      // deleted with the server already when it was marked so; else it is available again
      const v = await os.orNullIfNotFound(os.getVolume(bs, c.id));
      if (v) {
        if (v.status !== 'available' && v.status !== 'error') await os.waitForVolumeStatus(bs, c.id, 'available', wait);
        await os.deleteVolume(bs, c.id);
        await os.waitForVolumeDeleted(bs, c.id, wait);
      }
      removed.push(c);
      log('info', `Removed the volume ${c.name} (${c.id}).`);
    } catch (e) {
      failed(c, e);
    }
  }
  return removed;
}
