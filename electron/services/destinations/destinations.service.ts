import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import type { DestinationStats, DestinationView, KeepRules, PrunePreview } from '../../../shared/domain/destinations';
import { Schedule, type ScheduleInput } from '../../../shared/domain/schedules';
import type { BackupsTable, DestinationsTable, SecretsTable, StoredDestination } from '../../catalog';
import type { JobManager } from '../../jobs/manager';
import { findBackup, initRepository, isProtected, listBackups, openRepository, pruneBackups, repositoryStats, type Manifest, type Repository } from '../../engine';
import { identityOfSource, providerIdOf } from '../providers/cloud-identity';
import { dueGcOf, gcScheduleOf, machineTimeZone, nextGcOf } from './gc-schedule';
import { subjectOf, type SubjectNames } from './subjects';
import { readVerification } from '../restore/verification-note';

// Secrets sealed by earlier versions keep their "repository:" ids; the row names the secret it uses.
const secretId = (id: string) => `destination:${id}`;

/**
 * Backup destinations: creating one (a repository in an empty folder, engine/FORMAT.md) or adding
 * an existing one, opening it (its passphrase comes from the sealed secrets, so scheduled jobs run
 * unattended), and keeping the catalog's index of restore points equal to what it holds.
 */
export class DestinationsService {
  constructor(
    private readonly table: DestinationsTable,
    private readonly backups: BackupsTable,
    private readonly secrets: () => SecretsTable,
    private readonly jobs: JobManager,
    /** clouds and inventory, to name what restore points are of */
    private readonly names: SubjectNames,
    private readonly clock: { now(): number; timeZone(): string } = { now: () => Date.now(), timeZone: machineTimeZone },
  ) {}

  private readonly view = ({ secretId: _s, gcLastDue: _g, ...r }: StoredDestination): DestinationView => {
    const tz = this.clock.timeZone();
    return { ...r, gcSchedule: gcScheduleOf(r, tz), nextGcAt: nextGcOf(r, tz, new Date(this.clock.now()))?.toISOString() ?? null };
  };

  list(): DestinationView[] {
    return this.table.list().map(this.view);
  }

  /** When unused chunks are removed by themselves: a schedule, or null for only by hand. */
  setGcSchedule(idOrName: string, schedule: ScheduleInput | null): DestinationView {
    const r = this.stored(idOrName);
    this.table.setGcSchedule(r.id, schedule === null ? 'off' : Schedule.parse({ ...schedule, id: 'gc' }));
    return this.get(r.id);
  }

  /**
   * Queues the garbage collections whose schedule came due (one per destination, however many
   * were missed; none while one is queued or running); returns when the next one is due, for the
   * scheduler to wake then.
   */
  runDueGc(log: (level: 'info' | 'warn', message: string) => void): number | null {
    const now = new Date(this.clock.now());
    const tz = this.clock.timeZone();
    let next: number | null = null;
    for (const d of this.table.list()) {
      const due = dueGcOf(d, tz, now);
      if (due) {
        this.table.setGcLastDue(d.id, due.latest.toISOString());
        const missed = due.missed > 0 ? ` (${due.missed + 1} were due while no scheduler ran; one collection frees what all would have)` : '';
        if (this.jobs.hasUnfinished('destination.gc', (p) => p.destinationId === d.id)) {
          log('info', `Garbage collection of ${d.name} was due; one is already queued or running, so no other was queued.`);
        } else {
          this.jobs.enqueue('destination.gc', { destinationId: d.id });
          log('info', `Garbage collection of ${d.name} queued by its schedule${missed}.`);
        }
      }
      const at = nextGcOf(d, tz, now)?.getTime();
      if (at !== undefined && (next === null || at < next)) next = at;
    }
    return next;
  }

  get(idOrName: string): DestinationView {
    return this.view(this.stored(idOrName));
  }

  /** The destination backups go to when none is named. */
  defaultDestination(): DestinationView {
    const d = this.table.list().find((r) => r.isDefault) ?? this.table.list()[0];
    if (!d) throw new AppError('resource.notFound', 'No backup destination yet. Create one under Destinations, or: backstack destination create NAME DIR');
    return this.view(d);
  }

  /** Creates a destination in an empty or missing folder. The recovery key is shown once. */
  async create(input: {
    name: string;
    path: string;
    passphrase?: string | undefined;
    compressionLevel?: number | undefined;
  }): Promise<{ destination: DestinationView; recoveryKey: string | null }> {
    const dir = this.checkNew(input.name, input.path);
    const { recoveryKey } = await initRepository(dir, {
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.compressionLevel ? { compressionLevel: input.compressionLevel } : {}),
    });
    return { destination: this.remember(input.name, dir, input.passphrase), recoveryKey };
  }

  /** Adds an existing destination (another workstation's, or after a reinstall) and indexes its restore points. */
  async add(input: { name: string; path: string; passphrase?: string | undefined }): Promise<DestinationView> {
    const dir = this.checkNew(input.name, input.path);
    const opened = await openRepository(dir, input.passphrase ? { passphrase: input.passphrase } : {});
    await opened.close();
    const r = this.remember(input.name, dir, input.passphrase);
    await this.reindex(r.id);
    return r;
  }

  /** Forgets a destination; what it holds on disk is left as it is. */
  remove(idOrName: string): void {
    const r = this.stored(idOrName);
    if (r.secretId) this.secrets().delete(r.secretId);
    this.table.remove(r.id);
  }

  setDefault(idOrName: string): DestinationView {
    const r = this.stored(idOrName);
    this.table.setDefault(r.id);
    return this.get(r.id);
  }

  /** Usage: stored vs logical bytes, the reduction ratio and growth per backup. */
  stats(idOrName: string): Promise<DestinationStats> {
    return this.withOpen(idOrName, (repo) => repositoryStats(repo));
  }

  /** What a prune with these rules would keep and remove, and why, with what each group is of by name; changes nothing. */
  previewPrune(idOrName: string, keep: KeepRules): Promise<PrunePreview> {
    return this.withOpen(idOrName, async (repo) => {
      const report = await pruneBackups(repo, { keep, dryRun: true });
      const groups = [];
      // the newest manifest of each group names it (a rename since is the name people know now)
      for (const g of report.groups) groups.push({ ...g, subject: subjectOf(await findBackup(repo, g.group, 'latest'), this.names) });
      return { ...report, groups };
    });
  }

  /** Re-reads every chunk (of one restore point, or all) and checks its digest, as a job. */
  startVerify(idOrName: string, backupId?: string): { jobId: string } {
    return { jobId: this.jobs.enqueue('destination.verify', { destinationId: this.get(idOrName).id, ...(backupId ? { backupId } : {}) }).id };
  }

  startPrune(idOrName: string, keep: KeepRules): { jobId: string } {
    return { jobId: this.jobs.enqueue('destination.prune', { destinationId: this.get(idOrName).id, keep }).id };
  }

  startGc(idOrName: string): { jobId: string } {
    return { jobId: this.jobs.enqueue('destination.gc', { destinationId: this.get(idOrName).id }).id };
  }

  startReindex(idOrName: string): { jobId: string } {
    return { jobId: this.jobs.enqueue('destination.reindex', { destinationId: this.get(idOrName).id }).id };
  }

  /**
   * After a cloud is added: re-indexes (as jobs) the destinations holding restore points of clouds
   * this catalog no longer knows, so those of a cloud added again (the same Keystone URL and
   * region, a new id) are indexed under it.
   */
  reindexForNewCloud(): { jobIds: string[] } {
    const known = this.names.providers.list().map((p) => p.id);
    return { jobIds: this.backups.destinationsWithCloudsOtherThan(known).map((id) => this.startReindex(id).jobId) };
  }

  /** Opens the destination for `fn` and closes it afterwards, whatever happens. */
  async withOpen<T>(idOrName: string, fn: (repo: Repository) => Promise<T>): Promise<T> {
    const repo = await this.open(idOrName);
    try {
      return await fn(repo);
    } finally {
      await repo.close();
    }
  }

  /** Opens the destination's repository (engine); the caller closes it. */
  async open(idOrName: string): Promise<Repository> {
    const r = this.stored(idOrName);
    if (!fs.existsSync(r.path))
      throw new AppError('resource.notFound', `The backup destination "${r.name}" (${r.path}) is not reachable: mount or reconnect it, then retry.`, {
        retryable: true,
      });
    const passphrase = r.secretId ? this.secrets().get(r.secretId) : undefined;
    return openRepository(r.path, passphrase ? { passphrase } : {});
  }

  /** Rebuilds the catalog's index of this destination's restore points from its manifests. */
  async reindex(idOrName: string): Promise<{ indexed: number; dropped: number }> {
    const r = this.stored(idOrName);
    return this.withOpen(r.id, async (repo) => {
      const manifests = await listBackups(repo);
      for (const m of manifests) this.backups.record({ ...recordOf(r.id, m, null, this.names.providers), protected: await isProtected(repo, m), verification: await readVerification(repo, m) });
      const dropped = this.backups.removeMissing(r.id, new Set(manifests.map((m) => m.id)));
      return { indexed: manifests.length, dropped };
    });
  }

  private remember(name: string, dir: string, passphrase: string | undefined): DestinationView {
    const id = randomUUID();
    if (passphrase) this.secrets().put(secretId(id), passphrase);
    this.table.insert({
      id,
      name,
      path: dir,
      encrypted: Boolean(passphrase),
      secretId: passphrase ? secretId(id) : null,
      isDefault: false,
      createdAt: new Date().toISOString(),
      gcSchedule: 'default',
      gcLastDue: null,
    });
    return this.get(id);
  }

  private checkNew(name: string, p: string): string {
    if (!path.isAbsolute(p)) throw new AppError('validation.invalidInput', `Give the destination as an absolute path (got "${p}").`);
    const dir = path.resolve(p);
    if (this.table.get(name)) throw new AppError('resource.conflict', `A backup destination named "${name}" exists already.`);
    if (this.table.get(dir)) throw new AppError('resource.conflict', `${dir} is already a backup destination.`);
    return dir;
  }

  private stored(idOrName: string): StoredDestination {
    const r = this.table.get(idOrName);
    if (!r) throw new AppError('resource.notFound', `No backup destination "${idOrName}". List them with: backstack destination list`);
    return r;
  }
}

/**
 * The catalog's record of a manifest. `source` is what the strategy wrote (see BackupSource). With
 * the clouds, a restore point of a cloud no longer known by its recorded id (the catalog lost, the
 * cloud removed and added again) is indexed under the cloud with its Keystone URL and region.
 */
export function recordOf(
  destinationId: string,
  m: Manifest,
  jobId: string | null,
  clouds?: Parameters<typeof providerIdOf>[0],
): Parameters<BackupsTable['record']>[0] {
  const s = m.source as { kind?: string; providerId?: string; resourceId?: string; resourceName?: string; backupKind?: string };
  const recorded = s.providerId ?? null;
  return {
    id: m.id,
    destinationId,
    providerId: clouds ? providerIdOf(clouds, recorded, identityOfSource(s)) : recorded,
    resourceKind: s.kind === 'instance' || s.kind === 'volume' ? s.kind : 'disk',
    resourceId: s.resourceId ?? m.group,
    resourceName: s.resourceName ?? m.group,
    kind: s.backupKind === 'incremental' ? 'incremental' : 'full',
    parentId: m.parent,
    createdAt: m.finishedAt,
    sizeBytes: m.totals.size,
    newBytes: m.totals.bytesNew,
    storedBytes: m.totals.bytesStored,
    disks: m.disks.map((d) => ({ name: d.name, size: d.size })),
    jobId,
    protected: false,
  };
}
