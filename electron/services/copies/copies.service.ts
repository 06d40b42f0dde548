import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors/codes';
import { CopyPullParams, CopyRunParams, CopyTargetInput, CopyTargetView, type CopyTargetTest } from '../../../shared/domain/copies';
import type { SecretsTable, SettingsTable } from '../../catalog';
import { CONFIG_FILE } from '../../engine';
import type { Lock, S3Store } from '../../copies/s3-store';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';

/** Copy targets live beside the settings (a list, small), their secret keys in the sealed secrets. */
const KEY = 'copyTargets';
const Stored = z.array(CopyTargetView);
const secretId = (id: string) => `copy-target:${id}`;

export class CopiesService {
  constructor(
    private readonly settings: SettingsTable,
    private readonly secrets: () => SecretsTable,
    private readonly jobs: JobManager,
    private readonly destinations: DestinationsService,
  ) {}

  listTargets(): CopyTargetView[] {
    return this.settings.readValue(KEY, Stored) ?? [];
  }

  target(idOrName: string): CopyTargetView {
    const t = this.listTargets().find((x) => x.id === idOrName || x.name === idOrName);
    if (!t) throw new AppError('resource.notFound', `No copy target "${idOrName}". List them with: backstack copy target list`);
    return t;
  }

  addTarget(raw: z.input<typeof CopyTargetInput>): CopyTargetView {
    const i = CopyTargetInput.parse(raw);
    const all = this.listTargets();
    if (all.some((t) => t.name === i.name)) throw new AppError('resource.conflict', `A copy target named "${i.name}" exists already.`);
    const same = all.find((t) => t.endpoint === i.endpoint && t.bucket === i.bucket && t.prefix === i.prefix);
    if (same) throw new AppError('resource.conflict', `${same.name} copies into that bucket and prefix already.`);
    const { secretAccessKey, ...rest } = i;
    const view: CopyTargetView = { ...rest, id: randomUUID(), kind: 's3', createdAt: new Date().toISOString() };
    this.secrets().put(secretId(view.id), secretAccessKey);
    this.settings.writeValue(KEY, [...all, view]);
    return view;
  }

  removeTarget(idOrName: string): void {
    const t = this.target(idOrName);
    if (this.jobs.hasUnfinished('copy.run', (p) => p.targetId === t.id) || this.jobs.hasUnfinished('copy.pull', (p) => p.targetId === t.id)) {
      throw new AppError('validation.invalidInput', `A copy job of ${t.name} is queued or running: remove the target once it has ended.`);
    }
    this.settings.writeValue(
      KEY,
      this.listTargets().filter((x) => x.id !== t.id),
    );
    this.secrets().delete(secretId(t.id));
  }

  /** The target's bucket as a store (the caller closes it). The AWS SDK is loaded here, on first use: most commands never need it. */
  async store(idOrName: string): Promise<S3Store> {
    const { S3Store } = await import('../../copies/s3-store');
    const t = this.target(idOrName);
    const secretAccessKey = this.secrets().get(secretId(t.id));
    if (!secretAccessKey)
      throw new AppError('validation.invalidInput', `The secret key of ${t.name} is missing from this catalog: remove the target and add it again.`);
    return new S3Store({
      endpoint: t.endpoint,
      region: t.region,
      bucket: t.bucket,
      prefix: t.prefix,
      forcePathStyle: t.forcePathStyle,
      accessKeyId: t.accessKeyId,
      secretAccessKey,
    });
  }

  /** The lock a copy made now gets, or undefined. */
  lockOf(t: CopyTargetView, now = Date.now()): Lock | undefined {
    return t.lock ? { mode: t.lock.mode, until: new Date(now + t.lock.days * 86_400_000) } : undefined;
  }

  async testTarget(idOrName: string): Promise<CopyTargetTest> {
    const t = this.target(idOrName);
    const store = await this.store(t.id);
    try {
      const probe = `probes/backstack-probe-${randomBytes(8).toString('hex')}`;
      const body = randomBytes(1024);
      await store.put(probe, body);
      const back = await store.get(probe);
      await store.delete(probe);
      if (!back?.equals(body))
        return { ok: false, message: `The probe written to ${store.where} did not read back the same.`, objectLock: null, repositoryId: null };
      const objectLock = await store.objectLockEnabled();
      const config = await store.get(CONFIG_FILE);
      const repositoryId = config ? ((JSON.parse(config.toString('utf8')) as { id?: string }).id ?? null) : null;
      if (t.lock && !objectLock) {
        return {
          ok: false,
          message: `${t.name} asks for locked copies, but bucket ${t.bucket} has no Object Lock: create the bucket with Object Lock enabled, or remove the target and add it without a lock.`,
          objectLock,
          repositoryId,
        };
      }
      const where = repositoryId ? `it holds the copy of repository ${repositoryId}` : 'nothing copied there yet';
      return {
        ok: true,
        message: `${store.where}: a probe written, read back and deleted; Object Lock ${objectLock ? 'on' : 'off'}; ${where}.`,
        objectLock,
        repositoryId,
      };
    } catch (e) {
      if ((e as Error).name === 'S3StoreError') return { ok: false, message: (e as Error).message, objectLock: null, repositoryId: null };
      throw e;
    } finally {
      store.close();
    }
  }

  startCopy(raw: z.input<typeof CopyRunParams>): { jobId: string } {
    const p = CopyRunParams.parse(raw);
    const destination = this.destinations.get(p.destinationId);
    const target = this.target(p.targetId);
    return { jobId: this.jobs.enqueue('copy.run', { ...p, destinationId: destination.id, targetId: target.id }).id };
  }

  startPull(raw: z.input<typeof CopyPullParams>): { jobId: string } {
    const p = CopyPullParams.parse(raw);
    if (!path.isAbsolute(p.path))
      throw new AppError('validation.invalidInput', `Give the folder to pull into as an absolute path (got "${p.path}").`);
    const target = this.target(p.targetId);
    return { jobId: this.jobs.enqueue('copy.pull', { ...p, path: path.resolve(p.path), targetId: target.id }).id };
  }
}
