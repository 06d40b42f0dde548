import { z } from 'zod';
import { openDiskReader, readNote, writeNote, type BackupRef, type Manifest, type Repository } from '../../engine';
import { blockCache, decodeVolumeIndex, encodeVolumeIndex, indexTree, RestorePointFiles, type VolumeIndex } from '../../filesystems';

/**
 * The file index of a restore point, kept with it in its destination as the note `file-index`
 * (engine/FORMAT.md, "Notes"): sealed like the manifest when the destination is encrypted, gone
 * with the restore point when it is pruned, and found again by a catalog rebuilt from the
 * destination. One compressed index per volume (filesystems/file-index.ts), base64 in the note's JSON.
 */
export const FILE_INDEX_NOTE = 'file-index';
const VERSION = 1;

const IndexedVolume = z.object({
  disk: z.string().max(128),
  /** "vda1", "vg/lv", or the disk's name when it has no partition table */
  volume: z.string().max(400),
  partition: z.number().int().nullable(),
  lv: z.string().max(256).nullable(),
  fileSystem: z.string().max(32),
  entries: z.number().int().nonnegative(),
  problems: z.array(z.string().max(4096)).max(1000),
  /** base64 of encodeVolumeIndex's bytes (checked by decoding them, not by a pattern over megabytes of text) */
  data: z.string(),
});
export type IndexedVolume = z.infer<typeof IndexedVolume>;

const IndexNote = z.object({
  format: z.literal('backstack-file-index'),
  version: z.number().int(),
  builtAt: z.string(),
  backupId: z.string(),
  group: z.string(),
  createdAt: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  projectId: z.string().nullable(),
  volumes: z.array(IndexedVolume).max(4096),
  /** volumes not indexed, each with why (no file system Backstack reads, a damaged table …) */
  skipped: z.array(z.string().max(4096)).max(4096),
});
export type IndexNote = z.infer<typeof IndexNote>;

/** A restore point's index as read back: what it is of, and each volume's entries. */
export interface RestorePointIndex {
  note: Omit<IndexNote, 'volumes'>;
  volumes: (Omit<IndexedVolume, 'data'> & { index: VolumeIndex })[];
}

/** Chunks the walk keeps decoded: inode tables and folders are visited again and again. */
const INDEX_CACHE_CHUNKS = 32;

export interface BuildOptions {
  signal?: AbortSignal;
  onProgress?: (entries: number, where: string) => void;
}

/** Walks every file system of every disk of a restore point (each partition and logical volume the readers open) and returns the note. */
export async function buildIndex(repo: Repository, m: Manifest, opts: BuildOptions = {}): Promise<IndexNote> {
  const files = new RestorePointFiles(
    m.id,
    m.disks.map((d) => ({ name: d.name, size: d.size })),
    // the walk lists many folders at once: a chunk several of them need is read once (blockCache)
    async (disk) => blockCache(await openDiskReader(repo, { group: m.group, backup: m.id, disk, cacheChunks: 1 }), m.disks.find((d) => d.name === disk)?.chunkSize ?? 0, INDEX_CACHE_CHUNKS),
  );
  const volumes: IndexedVolume[] = [];
  const skipped: string[] = [];
  let before = 0;
  try {
    for (const d of m.disks) {
      const layout = await files.layout(d.name);
      for (const p of layout.problems) skipped.push(`${d.name}: ${p}`);
      for (const v of layout.volumes) {
        if (!v.fileSystem) {
          skipped.push(`${v.name}: ${v.note ?? 'no file system Backstack reads'}`);
          continue;
        }
        const { tree } = await files.tree(d.name, v.partition ?? undefined, v.lv ?? undefined);
        const index = await indexTree(tree, {
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (n) => opts.onProgress?.(before + n, v.name),
        });
        before += index.names.length;
        volumes.push({
          disk: d.name,
          volume: v.name,
          partition: v.partition,
          lv: v.lv,
          fileSystem: v.fileSystem,
          entries: index.names.length,
          problems: index.problems.slice(0, 1000),
          data: encodeVolumeIndex(index).toString('base64'),
        });
      }
    }
  } finally {
    await files.close();
  }
  const source = m.source as { resourceId?: unknown; resourceName?: unknown; projectId?: unknown };
  return {
    format: 'backstack-file-index',
    version: VERSION,
    builtAt: new Date().toISOString(),
    backupId: m.id,
    group: m.group,
    createdAt: m.finishedAt,
    resourceId: typeof source.resourceId === 'string' ? source.resourceId : m.group,
    resourceName: typeof source.resourceName === 'string' ? source.resourceName : m.group,
    projectId: typeof source.projectId === 'string' ? source.projectId : null,
    volumes,
    skipped,
  };
}

export const writeIndex = (repo: Repository, ref: BackupRef, note: IndexNote): Promise<void> => writeNote(repo, ref, FILE_INDEX_NOTE, note);

/**
 * The index kept with a restore point: null when it has none; throws (with why) when the note is
 * damaged or of a version this one does not read. Volumes are decoded here, all of them.
 */
export async function readIndex(repo: Repository, ref: BackupRef): Promise<RestorePointIndex | null> {
  const raw = await readNote(repo, ref, FILE_INDEX_NOTE);
  if (raw === null) return null;
  const parsed = IndexNote.safeParse(raw);
  if (!parsed.success) throw new Error('its file index is not one this version reads: index it again');
  const { volumes, ...note } = parsed.data;
  if (note.version !== VERSION) throw new Error(`its file index is of version ${note.version}, this Backstack reads version ${VERSION}: index it again`);
  return {
    note,
    volumes: volumes.map(({ data, ...v }) => {
      const index = decodeVolumeIndex(Buffer.from(data, 'base64'), v.problems);
      if (index.names.length !== v.entries) throw new Error(`its file index of ${v.volume} holds ${index.names.length} entries, not ${v.entries}: index it again`);
      return { ...v, index };
    }),
  };
}

/** Whether a restore point has an index this version reads (without decoding its volumes). */
export async function hasIndex(repo: Repository, ref: BackupRef): Promise<boolean> {
  const raw = await readNote(repo, ref, FILE_INDEX_NOTE).catch(() => null);
  const parsed = IndexNote.safeParse(raw);
  return parsed.success && parsed.data.version === VERSION;
}
