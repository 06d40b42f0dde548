import * as os from '../../openstack';
import { CINDER_MARK } from '../../transfer/disk-attachment';
import type { StrategyDeps } from '../strategy';

/**
 * The disk-attachment strategy's part of `backup.cleanup`: temporary volumes (detached from the
 * proxy first) and snapshots a killed backup left in Cinder. Removed only when all hold: this
 * installation's marks, purpose `backup`, the name its job gave it (`backstack-<job 8>-…`), and
 * a job that runs in no live process on this catalog. Volumes go first (a snapshot with a volume
 * made from it cannot be deleted).
 */
export async function cleanupCinder(
  d: Pick<StrategyDeps, 'installation'>,
  client: os.ProviderClient,
  cloudName: string,
  o: { jobId?: string | undefined; dryRun: boolean; signal: AbortSignal; log: (level: 'info' | 'warn', m: string) => void },
): Promise<{ found: string[]; failed: number }> {
  const me = d.installation.id;
  const blockStorage = await client.blockStorage(o.signal);
  const compute = await client.compute(o.signal);
  const marks = { [CINDER_MARK.installation]: me, ...(o.jobId ? { [CINDER_MARK.job]: o.jobId } : {}) };
  // an admin sees every project's with all_tenants; Cinder ignores it for others
  const volumes = await os.listVolumes(blockStorage, { allTenants: true, metadata: marks, signal: o.signal }).all();
  const snapshots = await os.listSnapshots(blockStorage, { allTenants: true, metadata: marks, signal: o.signal }).all();
  const found: string[] = [];
  let failed = 0;
  const leftover = (kind: string, x: { id: string; name: string; status: string; metadata: Record<string, string> }): boolean => {
    const job = x.metadata[CINDER_MARK.job];
    if (x.metadata[CINDER_MARK.installation] !== me || !job || x.metadata[CINDER_MARK.purpose] !== 'backup') return false;
    if (o.jobId && job !== o.jobId) return false;
    if (!x.name.startsWith(`backstack-${job.slice(0, 8)}-`)) return false;
    if (d.installation.isJobRunning(job.replace(/-/g, ''))) {
      o.log('info', `The ${kind} ${x.name} (${x.id}) in ${cloudName} belongs to job ${job.slice(0, 8)}, which is running: left alone.`);
      return false;
    }
    found.push(`${kind} ${x.name} (${x.id})`);
    o.log('info', `${o.dryRun ? 'Would delete' : 'Deleting'} the ${kind} ${x.name} (${x.id}, ${x.status}) in ${cloudName}, left by the backup job ${job.slice(0, 8)}.`);
    return !o.dryRun;
  };
  const wait = { clock: client.clock, timeoutMs: 10 * 60_000 };
  const gone = (e: unknown) => (e instanceof os.NotFoundError ? undefined : Promise.reject(e));
  // Another clean-up (the killed job's own, queued at start) may be removing the same thing:
  // Cinder then refuses the second request (400/409, "detaching", "deleting"); the waits that
  // follow see it through either way.
  const busy = (e: unknown) => (e instanceof os.NotFoundError || (e instanceof os.HttpError && (e.status === 400 || e.status === 409)) ? undefined : Promise.reject(e));
  for (const v of volumes.filter((x) => leftover('volume', x))) {
    try {
      for (const a of v.attachments) if (a.serverId) await os.detachVolume(compute, a.serverId, v.id).catch(busy);
      if (v.attachments.length) await os.waitForVolumeStatus(blockStorage, v.id, 'available', wait).catch(gone);
      await os.deleteVolume(blockStorage, v.id).catch(busy);
      await os.waitForVolumeDeleted(blockStorage, v.id, wait);
    } catch (e) {
      failed++;
      o.log('warn', `The volume ${v.id} could not be deleted: ${(e as Error).message}`);
    }
  }
  for (const s of snapshots.filter((x) => leftover('snapshot', x))) {
    try {
      await os.deleteSnapshot(blockStorage, s.id).catch(busy);
      await os.waitForSnapshotDeleted(blockStorage, s.id, wait);
    } catch (e) {
      failed++;
      o.log('warn', `The snapshot ${s.id} could not be deleted: ${(e as Error).message}`);
    }
  }
  return { found, failed };
}
