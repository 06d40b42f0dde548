import { AppError } from '../../../shared/errors/codes';
import type { FileDisk, FileDownload, FileEntry, FilesDownloadInput, FilesTarget, FileVolume } from '../../../shared/domain/files';
import type { JobParamsInput } from '../../../shared/domain/jobs';
import type { JobManager } from '../../jobs/manager';
import type { BackupsTable } from '../../catalog';
import { findBackup, openDiskReader, parseRef, type Repository } from '../../engine';
import { extract, readAhead, RestorePointFiles, type ExtractOptions, type ExtractReport, type Tree } from '../../filesystems';
import type { DestinationsService } from '../destinations/destinations.service';
import { downloadBody, DownloadTickets, planDownload, type DownloadBody } from './download';

interface Open {
  ready: Promise<{ repo: Repository; files: RestorePointFiles }>;
  users: number;
  lastUsed: number;
}

/**
 * File-level restore over the catalog's restore points: their disks, partitions and folders, and
 * previews of small files. A browsed restore point stays open (its destination, its disk readers
 * and parsed file systems) so the next folder opens at once; a few are kept, least recently used
 * first out, and each is closed after some idle minutes.
 */
export class FilesService {
  private readonly open = new Map<string, Open>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly tickets = new DownloadTickets();

  constructor(
    private readonly destinations: DestinationsService,
    private readonly backups: BackupsTable,
    private readonly limits = { openRestorePoints: 4, idleMs: 5 * 60_000 },
    private readonly jobs?: Pick<JobManager, 'enqueue'>,
  ) {}

  /** Copies files and folders into a local folder as a job (files-restore.job.ts). */
  startRestore(p: JobParamsInput<'files.restore'>): { jobId: string } {
    if (!this.jobs) throw new AppError('internal', 'File restores need the job manager.');
    return { jobId: this.jobs.enqueue('files.restore', p).id };
  }

  /** Writes files and folders into a running instance through its guest agent, as a job (guest-restore.job.ts). */
  startRestoreToGuest(p: JobParamsInput<'files.restoreToGuest'>): { jobId: string } {
    if (!this.jobs) throw new AppError('internal', 'File restores need the job manager.');
    return { jobId: this.jobs.enqueue('files.restoreToGuest', p).id };
  }

  /** Runs `fn` on the tree of a volume of a restore point, kept open meanwhile. */
  async withTree<T>(t: FilesTarget, fn: (tree: Tree) => Promise<T>): Promise<T> {
    return this.using(t, async (files) => fn((await files.tree(t.disk, t.partition, t.lv)).tree));
  }

  async volumes(t: Pick<FilesTarget, 'backupId' | 'destinationId'>): Promise<{ backupId: string; disks: FileDisk[] }> {
    return this.using(t, async (files) => {
      const disks: FileDisk[] = [];
      for (const d of files.disks) {
        const layout = await files.layout(d.name);
        disks.push({ name: d.name, size: d.size, scheme: layout.scheme, volumes: layout.volumes, problems: layout.problems });
      }
      return { backupId: files.id, disks };
    });
  }

  async list(t: FilesTarget & { path: string }): Promise<{ volume: FileVolume; path: string; entries: FileEntry[] }> {
    return this.using(t, async (files) => {
      const { volume, tree } = await files.tree(t.disk, t.partition, t.lv);
      return { volume, ...(await tree.list(t.path)) };
    });
  }

  async read(t: FilesTarget & { path: string; maxBytes: number }): Promise<{ path: string; size: number; data: string; truncated: boolean }> {
    return this.using(t, async (files) => {
      const { tree } = await files.tree(t.disk, t.partition, t.lv);
      const { node, path } = await tree.lookup(t.path);
      if (node.type !== 'file') throw new AppError('validation.invalidInput', `${path} is not a file (${node.type}): only files have contents to preview.`);
      const data = await tree.read(node, path, 0, t.maxBytes);
      return { path, size: node.size, data: data.toString('base64'), truncated: node.size > data.length };
    });
  }

  /** Copies files and folders of a restore point into a local folder (filesystems/extract.ts says how). */
  async extract(t: FilesTarget & { paths: string[] }, opts: ExtractOptions): Promise<ExtractReport> {
    return this.using(t, async (files) => {
      const { tree } = await files.tree(t.disk, t.partition, t.lv);
      return extract(tree, t.paths, opts);
    });
  }

  /** Checks a selection can be downloaded and names it; the ticket is for download() (console mode's HTTP route). */
  async prepareDownload(i: FilesDownloadInput): Promise<FileDownload> {
    const plan = await this.using(i, async (files) => planDownload((await files.tree(i.disk, i.partition, i.lv)).tree, i.paths));
    return this.tickets.add(i, plan);
  }

  /**
   * Hands a prepared download's bytes to `send`, which writes them out; the restore point stays
   * open until it returns. An unknown or used ticket is refused with what to do.
   */
  async download(ticket: string, signal: AbortSignal, send: (d: DownloadBody) => Promise<void>): Promise<void> {
    const prepared = this.tickets.take(ticket);
    const t = prepared.input;
    await this.using(t, async (files) => send(await downloadBody((await files.tree(t.disk, t.partition, t.lv)).tree, prepared, signal)));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.open.values()];
    this.open.clear();
    for (const o of all) await shut(o);
  }

  private async using<T>(t: Pick<FilesTarget, 'backupId' | 'destinationId'>, fn: (files: RestorePointFiles) => Promise<T>): Promise<T> {
    const destinationId = t.destinationId ? this.destinations.get(t.destinationId).id : this.backups.get(t.backupId)?.destinationId;
    if (!destinationId)
      throw new AppError('resource.notFound', `No restore point ${t.backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
    const key = `${destinationId}\n${t.backupId}`;
    let o = this.open.get(key);
    if (!o) {
      const ref = parseRef(t.backupId);
      const ready = this.destinations.open(destinationId).then(async (repo) => {
        try {
          return { repo, files: await restorePointFiles(repo, ref.group, t.backupId) };
        } catch (e) {
          await repo.close();
          throw e;
        }
      });
      o = { ready, users: 0, lastUsed: Date.now() };
      this.open.set(key, o);
      ready.catch(() => this.open.delete(key));
      this.evict();
      this.sweep();
    } else {
      // most recently used last: the map's order is the eviction order
      this.open.delete(key);
      this.open.set(key, o);
    }
    o.users += 1;
    try {
      return await fn((await o.ready).files);
    } finally {
      o.users -= 1;
      o.lastUsed = Date.now();
    }
  }

  /** Closes the least recently used restore points beyond the limit (none that a request is using). */
  private evict(): void {
    for (const [key, o] of this.open) {
      if (this.open.size <= this.limits.openRestorePoints) break;
      if (o.users > 0) continue;
      this.open.delete(key);
      void shut(o);
    }
  }

  private sweep(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, o] of this.open) {
        if (o.users === 0 && now - o.lastUsed > this.limits.idleMs) {
          this.open.delete(key);
          void shut(o);
        }
      }
      if (this.open.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, Math.max(1000, Math.min(60_000, this.limits.idleMs / 2)));
    this.sweeper.unref();
  }
}

async function shut(o: Open): Promise<void> {
  const opened = await o.ready.catch(() => null);
  if (!opened) return;
  await opened.files.close();
  await opened.repo.close();
}

/** Chunks each open disk keeps decoded: a file system's metadata sits in a few places of its disk. */
const CACHE_CHUNKS = 8;

/** The disks of a restore point in an open destination, ready to browse (the CLI's bare-folder commands use it too). */
export async function restorePointFiles(repo: Repository, group: string, backup = 'latest'): Promise<RestorePointFiles> {
  const m = await findBackup(repo, group, backup);
  return new RestorePointFiles(
    m.id,
    m.disks.map((d) => ({ name: d.name, size: d.size })),
    // files copied out are read ahead, chunk by chunk in parallel (filesystems/source.ts)
    async (disk) => readAhead(await openDiskReader(repo, { group: m.group, backup: m.id, disk, cacheChunks: CACHE_CHUNKS }), m.disks.find((d) => d.name === disk)?.chunkSize ?? 0),
  );
}
