import type { z } from 'zod';
import { RestoreInPlaceParams, RestoreInstanceParams, RestoreVolumeParams, type RestorePointDisks } from '../../../shared/domain/backups';
import { blockersMessage, type PreflightReport } from '../../../shared/domain/restore-preflight';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import { findBackup, parseRef } from '../../engine';
import type { JobManager } from '../../jobs/manager';
import type { DestinationsService } from '../destinations/destinations.service';
import { identityOfSource } from '../providers/cloud-identity';
import { RestoreVerifyParams } from '../../../shared/domain/restore-verify';
import { resolveTargetCloud, type CloudLookup } from './target-cloud';

/** The sandbox project each cloud's boot checks run in (kept in the catalog's settings, by cloud id). */
export interface SandboxProjects {
  get(providerId: string): string | null;
  set(providerId: string, projectId: string): void;
}

/** Starting restores: the restore point is looked up before a job is queued, so a wrong id fails at once. */
export class RestoreService {
  constructor(
    private readonly backups: BackupsTable,
    private readonly destinations: DestinationsService,
    private readonly jobs: JobManager,
    private readonly providers: CloudLookup,
    /** the pre-flights (preflight-run.ts): what the target would refuse, found before anything is created */
    private readonly runPreflight: {
      instance: (p: RestoreInstanceParams, destinationId: string, signal?: AbortSignal) => Promise<PreflightReport>;
      volume: (p: RestoreVolumeParams, destinationId: string, signal?: AbortSignal) => Promise<PreflightReport>;
      describe: (backupId: string, destinationId: string) => Promise<RestorePointDisks>;
    },
    private readonly sandboxes: SandboxProjects,
  ) {}

  /** The sandbox project saved for a cloud's boot checks (null: none chosen yet). */
  sandboxProject(providerId: string): { providerId: string; projectId: string | null } {
    const cloud = resolveTargetCloud(this.providers, { given: providerId, providerId: null, cloud: null, what: providerId });
    return { providerId: cloud.id, projectId: this.sandboxes.get(cloud.id) };
  }

  /**
   * Queues a boot check of the restore point in the cloud's sandbox project; a project given is
   * saved as that cloud's sandbox for the next checks. Its pre-flight runs first in the job.
   */
  async verify(input: z.input<typeof RestoreVerifyParams>): Promise<{ jobId: string; sandboxProjectId: string }> {
    const params = RestoreVerifyParams.parse(input);
    const destinationId = await this.checkedDestination(params);
    const ref = parseRef(params.backupId);
    const m = await this.destinations.withOpen(destinationId, (repo) => findBackup(repo, ref.group, ref.time));
    const src = m.source as { providerId?: string; resourceName?: string };
    const cloud = resolveTargetCloud(this.providers, {
      given: params.providerId,
      providerId: this.backups.get(params.backupId, destinationId)?.providerId ?? src.providerId ?? null,
      cloud: identityOfSource(m.source),
      what: src.resourceName ?? params.backupId,
    });
    const sandboxProjectId = params.sandboxProjectId ?? this.sandboxes.get(cloud.id);
    if (!sandboxProjectId)
      throw new AppError('validation.invalidInput', `Choose the sandbox project of ${cloud.name} that boot checks run in (--sandbox-project): a project of its own, with a network, where a throw-away server may be created.`);
    if (params.sandboxProjectId) this.sandboxes.set(cloud.id, params.sandboxProjectId);
    const job = this.jobs.enqueue('restore.verify', { backupId: params.backupId, destinationId, providerId: cloud.id, sandboxProjectId });
    return { jobId: job.id, sandboxProjectId };
  }

  /** Every conflict the restore would meet and what will happen; creates nothing. */
  async preflight(params: z.input<typeof RestoreInstanceParams>, signal?: AbortSignal): Promise<PreflightReport> {
    return this.runPreflight.instance(RestoreInstanceParams.parse(params), await this.checkedDestination(params), signal);
  }

  /** Queues the restore once its pre-flight finds nothing blocking; refused with every blocker otherwise. */
  async start(params: z.input<typeof RestoreInstanceParams>): Promise<{ jobId: string }> {
    const destinationId = await this.checkedDestination(params);
    const report = await this.runPreflight.instance(RestoreInstanceParams.parse(params), destinationId);
    if (report.blocked) throw new AppError('resource.conflict', blockersMessage(report), { details: { preflight: report } });
    return { jobId: this.jobs.enqueue('restore.instance', { ...params, destinationId }).id };
  }

  /** The restore point's disks, as a restore chooses among them. */
  async describe(params: { backupId: string; destinationId?: string | undefined }): Promise<RestorePointDisks> {
    return this.runPreflight.describe(params.backupId, await this.checkedDestination(params));
  }

  /** What restoring one disk as a volume would run into; creates nothing. */
  async preflightVolume(params: z.input<typeof RestoreVolumeParams>, signal?: AbortSignal): Promise<PreflightReport> {
    return this.runPreflight.volume(RestoreVolumeParams.parse(params), await this.checkedDestination(params), signal);
  }

  /** Queues a volume restore once its pre-flight finds nothing blocking. */
  async startVolume(params: z.input<typeof RestoreVolumeParams>): Promise<{ jobId: string }> {
    const destinationId = await this.checkedDestination(params);
    const report = await this.runPreflight.volume(RestoreVolumeParams.parse(params), destinationId);
    if (report.blocked) throw new AppError('resource.conflict', blockersMessage(report), { details: { preflight: report } });
    return { jobId: this.jobs.enqueue('restore.volume', { ...params, destinationId }).id };
  }

  /** Queues a differential restore over an instance's existing disks; what could refuse (disks, kinds, sizes) is checked in the job before the instance is stopped. */
  async startInPlace(params: z.input<typeof RestoreInPlaceParams>): Promise<{ jobId: string }> {
    const parsed = RestoreInPlaceParams.parse(params);
    const destinationId = await this.checkedDestination(parsed);
    return { jobId: this.jobs.enqueue('restore.inPlace', { ...parsed, destinationId }).id };
  }

  /** The destination holding the restore point; a cloud that is not in Backstack is said here, before anything else. */
  private async checkedDestination(params: { backupId: string; destinationId?: string | undefined; providerId?: string | undefined }): Promise<string> {
    const destinationId = params.destinationId ? this.destinations.get(params.destinationId).id : this.backups.get(params.backupId)?.destinationId;
    if (!destinationId) {
      throw new AppError('resource.notFound', `No restore point ${params.backupId} in the catalog: name its destination, or re-index the destination that holds it.`);
    }
    // A cloud that is not in Backstack (removed, or the catalog lost) is said before a job is queued.
    const record = this.backups.get(params.backupId, destinationId);
    const what = record?.resourceName ?? params.backupId;
    if (params.providerId) resolveTargetCloud(this.providers, { given: params.providerId, providerId: null, cloud: null, what });
    else if (record?.providerId && !this.providers.find(record.providerId)) {
      // The catalog's id is gone: the manifest's Keystone URL and region may name a cloud added again.
      const ref = parseRef(params.backupId);
      const m = await this.destinations.withOpen(destinationId, (repo) => findBackup(repo, ref.group, ref.time));
      resolveTargetCloud(this.providers, { providerId: record.providerId, cloud: identityOfSource(m.source), what });
    }
    return destinationId;
  }
}
