import { backupDisk } from '../../engine/ops/backup';
import { openDiskReader, type DiskReader } from '../../engine/ops/disk-reader';
import { fileSource } from '../../engine/io/extents';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';

/** Backs up a disk image into a fresh test destination and opens the restore point's disk for random access. */
export async function backedUp(image: string, opts: { encrypted?: boolean; t?: TestRepo } = {}): Promise<{ t: TestRepo; reader: DiskReader; backup: string }> {
  const t = opts.t ?? (await makeRepo({ encrypted: opts.encrypted ?? false, chunkSize: 1024 * 1024 }));
  const m = await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(image) });
  const reader = await openDiskReader(t.repo, { group: 'vm-1', backup: m.id, disk: 'vda', cacheChunks: 8 });
  return { t, reader, backup: m.id };
}
