import fs from 'node:fs/promises';
import path from 'node:path';
import { runDiskBackup } from './backup-disk';
import { findBackup } from './listing';
import { BackupNotFoundError, InvalidArgumentError, isErrno } from '../errors';
import { type ExtentSource, normalizeRanges, type Range } from '../io/extents';
import { fsyncDir, mapFsError } from '../io/fsutil';
import { IndexReader, IndexWriter } from '../format/index-file';
import { type BackupRef, checkName, formatBackupTime, INDEX_SUFFIX, refString } from '../format/layout';
import { Session } from '../store/locks';
import { type DiskRecord, type Manifest, MANIFEST_FORMAT, MANIFEST_VERSION, writeManifest } from '../format/manifest';
import { ProgressMeter, type ProgressListener } from './progress';
import type { Repository } from '../repository';

export interface BackupOptions {
  /** what is backed up (a volume id, an instance id): backups of one group form its history */
  group: string;
  /** build on this backup: 'latest' (default), a time or "group/time"; null for none */
  parent?: string | null;
  /** how the caller describes what is backed up (kind, provider, project, resource ids ...): the manifest's `source` */
  sourceInfo?: Record<string, unknown>;
  /** OpenStack metadata captured with the backup (Nova, Glance, Cinder, Neutron) */
  metadata?: Record<string, unknown>;
  /** zstd level for this backup's new chunks (default: the repository's) */
  compressionLevel?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** minimum time between progress reports (default 100 ms) */
  progressIntervalMs?: number;
}

export interface DiskInput {
  /** the disk's name within the backup ("vda", "root", a volume id) */
  name: string;
  source: ExtentSource;
  /**
   * Ranges that changed since the parent backup (rbd diff, a dirty bitmap, qcow2 overlay map).
   * Only these are read; everything else is taken from the parent's index. Omit to read all.
   */
  changedExtents?: readonly Range[];
}

/**
 * A backup being written. Disks are added one after another; nothing is visible until commit()
 * writes the manifest. On failure call abort() (backupDisk does this for you).
 */
export class BackupWriter {
  private readonly disks: DiskRecord[] = [];
  private readonly startedAt = new Date();
  private state: 'open' | 'failed' | 'done' = 'open';

  private constructor(
    readonly repo: Repository,
    readonly ref: BackupRef,
    private readonly session: Session,
    private readonly parent: Manifest | null,
    private readonly opts: BackupOptions,
  ) {}

  get id(): string {
    return refString(this.ref);
  }

  static async start(repo: Repository, opts: BackupOptions): Promise<BackupWriter> {
    const group = checkName('group', opts.group);
    let parent: Manifest | null = null;
    if (opts.parent !== null) {
      try {
        parent = await findBackup(repo, group, opts.parent ?? 'latest');
      } catch (e) {
        if (!(e instanceof BackupNotFoundError) || (opts.parent !== undefined && opts.parent !== 'latest')) throw e;
      }
    }
    await fs.mkdir(repo.layout.group(group), { recursive: true }).catch((e: unknown) => Promise.reject(mapFsError(e, repo.dir)));
    // The session lock comes before the folder, so GC never takes the folder for a crash leftover.
    for (let t = Date.now(); ; t++) {
      const ref = { group, time: formatBackupTime(t) };
      const rel = path.relative(repo.dir, repo.layout.backup(ref));
      const session = await Session.open(repo.layout, 'backup', parent ? [parent.id] : [], rel);
      try {
        await fs.mkdir(repo.layout.backup(ref));
        return new BackupWriter(repo, ref, session, parent, opts);
      } catch (e) {
        await session.release();
        if (!isErrno(e, 'EEXIST')) throw mapFsError(e, repo.dir);
      }
    }
  }

  async addDisk(input: DiskInput): Promise<DiskRecord> {
    if (this.state !== 'open') throw new InvalidArgumentError(`Backup ${this.id} is ${this.state}: no more disks can be added.`);
    const name = checkName('disk', input.name);
    if (this.disks.some((d) => d.name === name)) throw new InvalidArgumentError(`Backup ${this.id} already has a disk named ${name}.`);
    const { repo } = this;
    const size = input.source.size;
    if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError(`Invalid disk size ${size}.`);
    const parentDisk = this.parent?.disks.find((d) => d.name === name && d.chunkSize === repo.chunkSize) ?? null;
    if (input.changedExtents && !parentDisk) {
      throw new InvalidArgumentError(`A changed-extent list needs a previous backup of disk ${name} in ${this.ref.group}; there is none. Back up the whole disk instead.`);
    }
    let changed: Range[] | null = null;
    if (input.changedExtents && parentDisk) {
      const extra: Range[] = [];
      // A grown disk: the new bytes are not in the parent (zeros unless the source gives data).
      if (size > parentDisk.size) extra.push({ offset: parentDisk.size, length: size - parentDisk.size });
      changed = normalizeRanges([...input.changedExtents, ...extra], size);
    }
    const meter = new ProgressMeter('backup', size, this.opts.onProgress, this.opts.progressIntervalMs);
    meter.p.disk = name;
    const indexPath = repo.layout.index(this.ref, name);
    let parentIndex: IndexReader | null = null;
    let index: IndexWriter | null = null;
    try {
      if (parentDisk && changed && this.parent) {
        parentIndex = await IndexReader.open(repo, repo.layout.index(this.parent, parentDisk.name), parentDisk.index.id);
      }
      index = await IndexWriter.create(repo, indexPath, size, repo.chunkSize);
      const pool = repo.pool(this.opts.compressionLevel);
      const stats = await runDiskBackup({ repo, pool, source: input.source, index, parent: parentIndex, changed, meter, signal: this.opts.signal });
      const summary = await index.finish();
      index = null;
      const record: DiskRecord = {
        name, size, chunkSize: repo.chunkSize, chunks: Math.ceil(size / repo.chunkSize),
        index: { file: name + INDEX_SUFFIX, ...summary },
        parent: parentDisk && this.parent ? this.parent.id : null,
        usedChangedExtents: changed !== null,
        stats,
      };
      this.disks.push(record);
      return record;
    } catch (e) {
      this.state = 'failed';
      await index?.abort();
      throw mapFsError(e, repo.dir);
    } finally {
      await parentIndex?.close();
      await input.source.close?.();
    }
  }

  /** Makes the backup visible: chunk and index renames are made durable, then the manifest is written. */
  async commit(extra: { metadata?: Record<string, unknown> } = {}): Promise<Manifest> {
    if (this.state !== 'open') throw new InvalidArgumentError(`Backup ${this.id} is ${this.state} and cannot be committed.`);
    const { repo, ref } = this;
    const sum = (k: 'bytesRead' | 'bytesNew' | 'bytesStored' | 'chunksNew' | 'chunksReused'): number => this.disks.reduce((s, d) => s + d.stats[k], 0);
    const manifest: Manifest = {
      format: MANIFEST_FORMAT, version: MANIFEST_VERSION, id: this.id, group: ref.group, time: ref.time,
      startedAt: this.startedAt.toISOString(), finishedAt: new Date().toISOString(),
      parent: this.parent?.id ?? null,
      source: this.opts.sourceInfo ?? {},
      metadata: { ...(this.opts.metadata ?? {}), ...(extra.metadata ?? {}) },
      disks: this.disks,
      totals: {
        size: this.disks.reduce((s, d) => s + d.size, 0), bytesRead: sum('bytesRead'), bytesNew: sum('bytesNew'),
        bytesStored: sum('bytesStored'), chunksNew: sum('chunksNew'), chunksReused: sum('chunksReused'),
      },
    };
    try {
      await repo.chunks.syncDirs();
      const dir = repo.layout.backup(ref);
      await fsyncDir(dir);
      await writeManifest(repo, ref, manifest);
      await fsyncDir(dir);
      await fsyncDir(repo.layout.group(ref.group));
      await fsyncDir(repo.layout.backups);
    } catch (e) {
      this.state = 'failed';
      throw mapFsError(e, repo.dir);
    }
    this.state = 'done';
    await this.session.release();
    return manifest;
  }

  /** Discards an unfinished backup: its folder and its lock. Chunks it wrote stay for GC. */
  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'failed';
    await fs.rm(this.repo.layout.backup(this.ref), { recursive: true, force: true }).catch(() => undefined);
    await this.session.release();
  }
}

export const startBackup = (repo: Repository, opts: BackupOptions): Promise<BackupWriter> => BackupWriter.start(repo, opts);

/** One disk, one backup: start, add the disk, commit (or abort on any failure). */
export async function backupDisk(repo: Repository, opts: BackupOptions & DiskInput): Promise<Manifest> {
  const w = await BackupWriter.start(repo, opts);
  try {
    await w.addDisk(opts);
    return await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
