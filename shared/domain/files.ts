import { z } from 'zod';

/**
 * File-level restore: the disks of a restore point, their partitions and file systems, and the
 * entries of a folder. Names and paths are in shown form (electron/files/names.ts): UTF-8, with a
 * backslash as `\\` and every byte that is not printable UTF-8 as `\xNN`; paths given back in
 * that form find the same entries.
 */
export const FilesTarget = z
  .object({
    /** a restore point id (group/time) */
    backupId: z.string().min(1).max(400),
    /** where it is; default: the destination the catalog indexes it in */
    destinationId: z.string().min(1).max(200).optional(),
    /** default: the restore point's only disk */
    disk: z.string().min(1).max(128).optional(),
    /** default: the whole disk when it has no partition table, or its only browsable partition */
    partition: z.number().int().min(1).max(4096).optional(),
    /** an LVM2 logical volume, as LV or VG/LV */
    lv: z.string().min(1).max(256).optional(),
  })
  .strict();
export type FilesTarget = z.infer<typeof FilesTarget>;

export const FilePath = z.string().max(8192).default('/');

export const FileVolume = z.object({
  name: z.string(),
  partition: z.number().nullable(),
  /** "vg/lv" for an LVM2 logical volume (in the partition it names) */
  lv: z.string().nullable(),
  offset: z.number(),
  size: z.number(),
  type: z.string().nullable(),
  label: z.string().nullable(),
  /** "ext4", "ext3", "ext2" … when it can be browsed; null otherwise */
  fileSystem: z.string().nullable(),
  /** why it cannot be browsed, or what to know before browsing it */
  note: z.string().nullable(),
});
export type FileVolume = z.infer<typeof FileVolume>;

export const FileDisk = z.object({
  name: z.string(),
  size: z.number(),
  scheme: z.enum(['mbr', 'gpt', 'none']),
  volumes: z.array(FileVolume),
  /** what was wrong with the partition table but read around */
  problems: z.array(z.string()),
});
export type FileDisk = z.infer<typeof FileDisk>;

export const FileEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink', 'chardev', 'blockdev', 'fifo', 'socket', 'unknown']),
  size: z.number(),
  mtime: z.string(),
  /** permission bits (st_mode & 07777) */
  mode: z.number(),
  uid: z.number(),
  gid: z.number(),
  /** a symlink's target, as written in the guest; never followed */
  target: z.string().nullable(),
});
export type FileEntry = z.infer<typeof FileEntry>;

/** Preview reads stop here: enough for a configuration file, not a way to copy disks through the boundary. */
export const MAX_PREVIEW_BYTES = 1024 * 1024;

/** Files and folders of one folder of a restore point, to download (console mode streams them over HTTP). */
export const FilesDownloadInput = FilesTarget.extend({ paths: z.array(z.string().min(1).max(8192)).min(1).max(10_000) }).strict();
export type FilesDownloadInput = z.infer<typeof FilesDownloadInput>;

/** Files and folders of one restore point copied into a local folder (a job); what exists there already is kept, renamed around or replaced. */
export const FilesRestoreParams = FilesDownloadInput.extend({
  /** an absolute folder on the machine Backstack runs on; created if missing, nothing written outside it */
  out: z.string().min(1).max(4096),
  conflict: z.enum(['skip', 'rename', 'overwrite']).default('skip'),
}).strict();

/** A selection copied out for a drag in the desktop app (files.prepareDrag); the drag itself starts in main. */
export const FileDragPrepared = z.object({
  token: z.string(),
  /** the top-level files and folders the drag carries */
  items: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** "path: why" of what was left out (device nodes, unreadable structures) */
  skipped: z.array(z.string()),
});
export type FileDragPrepared = z.infer<typeof FileDragPrepared>;

/**
 * Files and folders of one restore point written into a running instance through its QEMU guest
 * agent (a job): each file complete under a temporary name, then moved into place; what is in the
 * way kept as NAME.orig unless `overwrite`.
 */
export const FilesRestoreToGuestParams = FilesDownloadInput.extend({
  /** the instance to write into (running, with a guest agent) */
  instanceId: z.string().min(1).max(200),
  /** its cloud; default: the restore point's, else the one whose inventory has the instance */
  providerId: z.string().min(1).max(200).optional(),
  /** an absolute folder in the guest the selection goes into; default: each entry back into the folder it was in */
  guestPath: z
    .string()
    .max(4096)
    .regex(/^\//, 'give the whole path of the folder in the guest, from /')
    .refine((p) => !p.split('/').some((c) => c === '.' || c === '..'), 'give the folder in the guest without "." or ".."')
    .optional(),
  overwrite: z.boolean().default(false),
}).strict();

export const FileDownload = z.object({
  /** single use, valid for a minute: GET /api/files/download/TICKET in console mode */
  ticket: z.string(),
  /** the name the download is saved under */
  name: z.string(),
  /** one file as itself, or a tar archive of folders and several items */
  kind: z.enum(['file', 'archive']),
  /** a file's size; an archive's is known once written */
  size: z.number().nullable(),
});
export type FileDownload = z.infer<typeof FileDownload>;

/** ls -l's mode column: type letter and rwx bits (setuid, setgid, sticky as s/S, t/T). */
export function modeString(e: Pick<FileEntry, 'type' | 'mode'>): string {
  const t = { dir: 'd', symlink: 'l', chardev: 'c', blockdev: 'b', fifo: 'p', socket: 's', file: '-', unknown: '?' }[e.type];
  const bit = (mask: number, c: string) => (e.mode & mask ? c : '-');
  const special = (exec: boolean, on: boolean, lower: string) => (on ? (exec ? lower : lower.toUpperCase()) : exec ? 'x' : '-');
  const m = e.mode;
  return (
    t +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special((m & 0o100) !== 0, (m & 0o4000) !== 0, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special((m & 0o010) !== 0, (m & 0o2000) !== 0, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special((m & 0o001) !== 0, (m & 0o1000) !== 0, 't')
  );
}
