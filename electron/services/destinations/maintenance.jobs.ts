import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import type { BackupsTable } from '../../catalog';
import { collectGarbage, listBackups, pruneBackups, verifyRepository, type EngineProgress } from '../../engine';
import type { AnyJobKind, JobContext, JobKind } from '../../jobs/types';
import type { DestinationsService } from './destinations.service';

/** The engine's steps in words, as the job list shows them. */
const PHASES: Record<EngineProgress['phase'], string> = {
  backup: 'Backing up',
  restore: 'Restoring',
  verify: 'Verifying',
  'gc-mark': 'Finding the chunks in use',
  'gc-sweep': 'Removing unused chunks',
};

const onEngineProgress =
  <P>(ctx: JobContext<P>) =>
  (p: EngineProgress): void =>
    // GC's sweep counts the 256 chunk folders it has gone through, not bytes.
    ctx.progress({
      phase: p.disk ? `${PHASES[p.phase]} disk ${p.disk}` : PHASES[p.phase],
      unit: p.phase === 'gc-sweep' ? 'steps' : 'bytes',
      bytesDone: p.bytesDone,
      bytesTotal: p.bytesTotal,
    });

/** Verify, prune, garbage collection and re-indexing of a backup destination, as jobs with progress and a log. */
export function destinationJobs(destinations: DestinationsService, backups: BackupsTable): AnyJobKind[] {
  const target = (id: string) => {
    try {
      const r = destinations.get(id);
      return `destination ${r.name} (${r.path})`;
    } catch {
      return `destination ${id}`;
    }
  };
  const verify: JobKind<'destination.verify'> = {
    kind: 'destination.verify',
    describeTarget: (p) => (p.backupId ? `restore point ${p.backupId} in ${target(p.destinationId)}` : target(p.destinationId)),
    concurrency: 1,
    run: (ctx) =>
      destinations.withOpen(ctx.params.destinationId, async (repo) => {
        ctx.log('info', 'Re-reading every chunk and checking its digest.');
        const report = await verifyRepository(repo, ctx.params.backupId ? { backup: ctx.params.backupId } : {}, {
          signal: ctx.signal,
          onProgress: onEngineProgress(ctx),
        });
        for (const p of report.problems) ctx.log('error', `${p.kind}: ${p.detail} — affects ${p.affects.map((a) => a.backup).join(', ')}`);
        const summary = `${report.backupsChecked} restore points, ${report.chunksChecked} chunks checked: ${report.ok ? 'all intact' : `${report.problems.length} problem(s)`}`;
        if (!report.ok) {
          throw new AppError(
            'destination.corrupt',
            `Verify found damage: ${summary}. The affected restore points are named in the log; restore them from another destination or take a new full backup.`,
          );
        }
        ctx.log('info', summary);
        return { summary };
      }),
  };
  const prune: JobKind<'destination.prune'> = {
    kind: 'destination.prune',
    describeTarget: (p) => target(p.destinationId),
    concurrency: 1,
    run: (ctx) =>
      destinations.withOpen(ctx.params.destinationId, async (repo) => {
        const report = await pruneBackups(repo, { keep: ctx.params.keep });
        for (const g of report.groups) for (const d of g.decisions) ctx.log('info', `${d.keep ? 'keep  ' : 'remove'} ${d.id}: ${d.reasons.join('; ')}`);
        backups.removeMissing(destinations.get(ctx.params.destinationId).id, new Set((await listBackups(repo)).map((m) => m.id)));
        return { summary: `${report.removed.length} removed, ${report.kept.length} kept (run garbage collection to free their space)` };
      }),
  };
  const gc: JobKind<'destination.gc'> = {
    kind: 'destination.gc',
    describeTarget: (p) => target(p.destinationId),
    concurrency: 1,
    run: (ctx) =>
      destinations.withOpen(ctx.params.destinationId, async (repo) => {
        const r = await collectGarbage(repo, { signal: ctx.signal, onProgress: onEngineProgress(ctx) });
        if (r.missingChunks.length) ctx.log('warn', `${r.missingChunks.length} chunk(s) referenced but missing: run verify.`);
        return { summary: `${r.chunksRemoved} unused chunks removed (${formatBytes(r.bytesRemoved)} freed), ${r.leftoversRemoved} leftovers cleaned` };
      }),
  };
  const reindex: JobKind<'destination.reindex'> = {
    kind: 'destination.reindex',
    describeTarget: (p) => target(p.destinationId),
    async run(ctx) {
      const r = await destinations.reindex(ctx.params.destinationId);
      return { summary: `${r.indexed} restore points indexed from the destination (${r.dropped} stale entries dropped)` };
    },
  };
  return [verify, prune, gc, reindex];
}
