import { z } from 'zod';
import { AppError } from '../../../shared/errors/codes';
import { KeepRules } from '../../../shared/domain/repositories';
import { collectGarbage, listBackups, pruneBackups, verifyRepository, type EngineProgress } from '../../engine';
import type { JobContext, JobKind } from '../../jobs/types';
import { recordOf, type RepositoriesService } from './repositories.service';
import type { BackupsRepo } from '../../catalog';

const onEngineProgress =
  (ctx: JobContext<unknown>) =>
  (p: EngineProgress): void =>
    ctx.progress({ phase: p.disk ? `${p.phase} ${p.disk}` : p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });

/** Verify, prune and garbage collection of a backup destination, as jobs with progress and a log. */
export function repositoryJobs(repos: RepositoriesService, backups: BackupsRepo): JobKind<never>[] {
  const target = (id: string) => {
    try {
      const r = repos.get(id);
      return `destination ${r.name} (${r.path})`;
    } catch {
      return `destination ${id}`;
    }
  };
  const verify: JobKind<{ repositoryId: string; backupId?: string | undefined }> = {
    kind: 'repository.verify',
    params: z.object({ repositoryId: z.string(), backupId: z.string().optional() }),
    describeTarget: (p) => (p.backupId ? `backup ${p.backupId} in ${target(p.repositoryId)}` : target(p.repositoryId)),
    concurrency: 1,
    async run(ctx) {
      const repo = await repos.open(ctx.params.repositoryId);
      try {
        ctx.log('info', 'Re-reading every chunk and checking its digest.');
        const report = await verifyRepository(repo, ctx.params.backupId ? { backup: ctx.params.backupId } : {}, {
          signal: ctx.signal,
          onProgress: onEngineProgress(ctx),
        });
        for (const p of report.problems) ctx.log('error', `${p.kind}: ${p.detail} — affects ${p.affects.map((a) => a.backup).join(', ')}`);
        const summary = `${report.backupsChecked} backups, ${report.chunksChecked} chunks checked: ${report.ok ? 'all intact' : `${report.problems.length} problem(s)`}`;
        if (!report.ok) {
          throw new AppError(
            'repository.corrupt',
            `Verify found damage: ${summary}. The affected backups are named in the log; restore them from another destination or take a new full backup.`,
          );
        }
        ctx.log('info', summary);
        return { summary };
      } finally {
        await repo.close();
      }
    },
  };
  const prune: JobKind<{ repositoryId: string; keep: z.infer<typeof KeepRules> }> = {
    kind: 'repository.prune',
    params: z.object({ repositoryId: z.string(), keep: KeepRules }),
    describeTarget: (p) => target(p.repositoryId),
    concurrency: 1,
    async run(ctx) {
      const repo = await repos.open(ctx.params.repositoryId);
      try {
        const report = await pruneBackups(repo, { keep: ctx.params.keep });
        for (const g of report.groups)
          for (const d of g.decisions) ctx.log('info', `${d.keep ? 'keep  ' : 'remove'} ${d.id}: ${d.reasons.join('; ')}`);
        backups.removeMissing(repos.get(ctx.params.repositoryId).id, new Set((await listBackups(repo)).map((m) => m.id)));
        return { summary: `${report.removed.length} removed, ${report.kept.length} kept (run garbage collection to free their space)` };
      } finally {
        await repo.close();
      }
    },
  };
  const gc: JobKind<{ repositoryId: string }> = {
    kind: 'repository.gc',
    params: z.object({ repositoryId: z.string() }),
    describeTarget: (p) => target(p.repositoryId),
    concurrency: 1,
    async run(ctx) {
      const repo = await repos.open(ctx.params.repositoryId);
      try {
        const r = await collectGarbage(repo, { signal: ctx.signal, onProgress: onEngineProgress(ctx) });
        if (r.missingChunks.length) ctx.log('warn', `${r.missingChunks.length} chunk(s) referenced but missing: run verify.`);
        return { summary: `${r.chunksRemoved} unused chunks removed (${r.bytesRemoved} bytes freed), ${r.leftoversRemoved} leftovers cleaned` };
      } finally {
        await repo.close();
      }
    },
  };
  const reindex: JobKind<{ repositoryId: string }> = {
    kind: 'repository.reindex',
    params: z.object({ repositoryId: z.string() }),
    describeTarget: (p) => target(p.repositoryId),
    async run(ctx) {
      const repo = await repos.open(ctx.params.repositoryId);
      try {
        const manifests = await listBackups(repo);
        const id = repos.get(ctx.params.repositoryId).id;
        for (const m of manifests) backups.record(recordOf(id, m, null));
        const removed = backups.removeMissing(id, new Set(manifests.map((m) => m.id)));
        return { summary: `${manifests.length} restore points indexed from the repository (${removed} stale entries dropped)` };
      } finally {
        await repo.close();
      }
    },
  };
  return [verify, prune, gc, reindex] as unknown as JobKind<never>[];
}
