import { z } from 'zod';
import { FileEntry } from './files';

/**
 * Search across restore points: after a backup, each disk's files are indexed (path, size, time,
 * type) and the index is kept with the restore point in its destination. A search looks by name,
 * glob or path fragment through the indexes of every restore point of an instance, a project or
 * all, and lists each path once with its versions side by side. Paths are in shown form (files.ts).
 */
export const FilesSearchInput = z
  .object({
    /**
     * `nginx` (a part of a name), `*.conf`, `nginx*`, `[a-c]?.log` (a glob on the name), `nginx/sites` (a
     * part of a path), `etc/**\/*.conf` or `/etc/*.conf` (a glob on the path: relative ones match at any
     * depth). Case-insensitive; `*` and `?` stay within one name, `**` crosses folders.
     */
    pattern: z.string().trim().min(1).max(512),
    /** only this instance's (or volume's) restore points */
    instanceId: z.string().min(1).max(200).optional(),
    /** only restore points of instances of this project */
    projectId: z.string().min(1).max(200).optional(),
    /** at most this many paths are listed (the count says how many matched) */
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type FilesSearchInput = z.input<typeof FilesSearchInput>;

export const SearchRestorePoint = z.object({ backupId: z.string(), destinationId: z.string(), createdAt: z.string() });
export type SearchRestorePoint = z.infer<typeof SearchRestorePoint>;

/** One state of a path: the restore points (oldest first) in a row that hold it like this. */
export const FileVersion = z.object({
  size: z.number(),
  mtime: z.string(),
  type: FileEntry.shape.type,
  restorePoints: z.array(SearchRestorePoint),
  /** it differs from the path's state in the restore point before (false for the first one, and after a gap where the path was absent) */
  changed: z.boolean(),
});
export type FileVersion = z.infer<typeof FileVersion>;

export const FileSearchHit = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  disk: z.string(),
  /** "vda1", "vg/lv", or the disk's name when it has no partition table */
  volume: z.string(),
  partition: z.number().nullable(),
  lv: z.string().nullable(),
  path: z.string(),
  name: z.string(),
  /** oldest first; a restore point not listed in any does not hold the path */
  versions: z.array(FileVersion),
});
export type FileSearchHit = z.infer<typeof FileSearchHit>;

export const FilesSearchOutput = z.object({
  hits: z.array(FileSearchHit),
  /** paths that matched (hits lists the first `limit` of them) */
  total: z.number(),
  truncated: z.boolean(),
  /** restore points searched, and the entries their indexes hold */
  restorePoints: z.number(),
  entries: z.number(),
  /** restore points in the scope without an index yet (made before indexing, or still being indexed); the first 100 */
  notIndexed: z.array(SearchRestorePoint.extend({ resourceName: z.string() })),
  notIndexedCount: z.number(),
  /** indexes that could not be read (damaged, or written by a newer version), each with why */
  unreadable: z.array(z.object({ backupId: z.string(), destinationId: z.string(), reason: z.string() })),
  tookMs: z.number(),
});
export type FilesSearchOutput = z.infer<typeof FilesSearchOutput>;

/** Restore points to index now (each a `files.index` job; one already indexed is left as it is). */
export const FilesIndexInput = z
  .object({
    restorePoints: z.array(z.object({ backupId: z.string().min(1).max(400), destinationId: z.string().min(1).max(200).optional() }).strict()).min(1).max(10_000),
    /** index again those that have an index */
    force: z.boolean().optional(),
  })
  .strict();
export type FilesIndexInput = z.infer<typeof FilesIndexInput>;

export const FilesIndexParams = z.object({ backupId: z.string().min(1).max(400), destinationId: z.string().min(1).max(200), force: z.boolean().default(false) }).strict();
