import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsRepo, RepositoriesRepo, SecretsRepo, StoredRepository } from '../../catalog';
import { initRepository, listBackups, openRepository, type Manifest, type Repository } from '../../engine';

export interface RepositoryView {
  id: string;
  name: string;
  path: string;
  encrypted: boolean;
  isDefault: boolean;
  createdAt: string;
}

const view = ({ secretId: _s, ...r }: StoredRepository): RepositoryView => r;
const secretId = (id: string) => `repository:${id}`;

/**
 * Backup destinations: creating or adding a repository, opening it (its passphrase comes from
 * the sealed secrets, so scheduled jobs run unattended), and keeping the catalog's index of
 * restore points equal to the manifests the repository holds.
 */
export class RepositoriesService {
  constructor(
    private readonly repo: RepositoriesRepo,
    private readonly backups: BackupsRepo,
    private readonly secrets: () => SecretsRepo,
  ) {}

  list(): RepositoryView[] {
    return this.repo.list().map(view);
  }

  get(idOrName: string): RepositoryView {
    return view(this.stored(idOrName));
  }

  /** The destination backups go to when none is named. */
  defaultRepository(): RepositoryView {
    const d = this.repo.list().find((r) => r.isDefault) ?? this.repo.list()[0];
    if (!d)
      throw new AppError('resource.notFound', 'No backup destination yet. Create one in Settings → Backup destinations, or: backstack repo init DIR');
    return view(d);
  }

  /** Creates a new repository in an empty or missing folder. The recovery key is shown once. */
  async create(input: {
    name: string;
    path: string;
    passphrase?: string;
    compressionLevel?: number;
  }): Promise<{ repository: RepositoryView; recoveryKey: string | null }> {
    const dir = this.checkNew(input.name, input.path);
    const { recoveryKey } = await initRepository(dir, {
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.compressionLevel ? { compressionLevel: input.compressionLevel } : {}),
    });
    return { repository: this.remember(input.name, dir, input.passphrase), recoveryKey };
  }

  /** Adds an existing repository (another machine's, or after a reinstall) and indexes its backups. */
  async add(input: { name: string; path: string; passphrase?: string }): Promise<RepositoryView> {
    const dir = this.checkNew(input.name, input.path);
    const opened = await openRepository(dir, input.passphrase ? { passphrase: input.passphrase } : {});
    await opened.close();
    const r = this.remember(input.name, dir, input.passphrase);
    await this.reindex(r.id);
    return r;
  }

  /** Forgets a destination; the repository on disk is left as it is. */
  remove(idOrName: string): void {
    const r = this.stored(idOrName);
    if (r.secretId) this.secrets().delete(r.secretId);
    this.repo.remove(r.id);
  }

  setDefault(idOrName: string): void {
    this.repo.setDefault(this.stored(idOrName).id);
  }

  /** Opens the engine repository; the caller closes it. */
  async open(idOrName: string): Promise<Repository> {
    const r = this.stored(idOrName);
    if (!fs.existsSync(r.path))
      throw new AppError('resource.notFound', `The backup destination "${r.name}" (${r.path}) is not reachable: mount or reconnect it, then retry.`, {
        retryable: true,
      });
    const passphrase = r.secretId ? this.secrets().get(r.secretId) : undefined;
    return openRepository(r.path, passphrase ? { passphrase } : {});
  }

  /** Rebuilds the catalog's index of this repository's restore points from its manifests. */
  async reindex(idOrName: string): Promise<number> {
    const r = this.stored(idOrName);
    const engine = await this.open(r.id);
    try {
      const manifests = await listBackups(engine);
      for (const m of manifests) this.backups.record(recordOf(r.id, m, null));
      this.backups.removeMissing(r.id, new Set(manifests.map((m) => m.id)));
      return manifests.length;
    } finally {
      await engine.close();
    }
  }

  private remember(name: string, dir: string, passphrase: string | undefined): RepositoryView {
    const id = randomUUID();
    if (passphrase) this.secrets().put(secretId(id), passphrase);
    this.repo.insert({
      id,
      name,
      path: dir,
      encrypted: Boolean(passphrase),
      secretId: passphrase ? secretId(id) : null,
      isDefault: false,
      createdAt: new Date().toISOString(),
    });
    return this.get(id);
  }

  private checkNew(name: string, p: string): string {
    if (!path.isAbsolute(p)) throw new AppError('validation.invalidInput', `Give the destination as an absolute path (got "${p}").`);
    const dir = path.resolve(p);
    if (this.repo.get(name)) throw new AppError('resource.conflict', `A backup destination named "${name}" exists already.`);
    if (this.repo.get(dir)) throw new AppError('resource.conflict', `${dir} is already a backup destination.`);
    return dir;
  }

  private stored(idOrName: string): StoredRepository {
    const r = this.repo.get(idOrName);
    if (!r) throw new AppError('resource.notFound', `No backup destination "${idOrName}". List them with: backstack repo list`);
    return r;
  }
}

/** The catalog's record of a manifest. `source` is what the strategy wrote (see BackupSource). */
export function recordOf(repositoryId: string, m: Manifest, jobId: string | null): Parameters<BackupsRepo['record']>[0] {
  const s = m.source as { kind?: string; providerId?: string; resourceId?: string; resourceName?: string; backupKind?: string };
  return {
    id: m.id,
    repositoryId,
    providerId: s.providerId ?? null,
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
