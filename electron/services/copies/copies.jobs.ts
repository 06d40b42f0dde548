import { AppError } from '../../../shared/errors/codes';
import { formatBytes } from '../../../shared/format';
import { listBackups } from '../../engine';
import { copyIn } from '../../copies/copy-in';
import { copyOut } from '../../copies/copy-out';
import { CopyError, type CopyProgress } from '../../copies/keys';
import type { AnyJobKind, JobContext, JobKind } from '../../jobs/types';
import type { CopyTargetView } from '../../../shared/domain/copies';
import type { S3Store } from '../../copies/s3-store';
import type { DestinationsService } from '../destinations/destinations.service';
import type { CopiesService } from './copies.service';

/** A copy's failures as the job shows them: what failed and what to do (the store's and the copy's own messages say both). */
function asAppError(e: unknown): unknown {
  if (e instanceof Error && e.name === 'S3StoreError') {
    const status = (e as Error & { status: number | null }).status;
    return new AppError(status === 403 ? 'auth.forbidden' : status === null ? 'network.unreachable' : 'validation.invalidInput', e.message);
  }
  if (e instanceof CopyError) return new AppError('validation.invalidInput', e.message);
  return e;
}

const progressOf =
  <P>(ctx: JobContext<P>, verb: string) =>
  (p: CopyProgress): void =>
    ctx.progress({ phase: `${verb} ${p.restorePoint} (${p.index + 1} of ${p.count})`, unit: 'steps', bytesDone: p.done, bytesTotal: p.total });

/** Copying restore points into object storage, and pulling them back, as jobs. */
export function copyJobs(copies: CopiesService, destinations: DestinationsService): AnyJobKind[] {
  // the target's store for the job's length; its failures as the job shows them
  const withTarget = async <T>(targetId: string, fn: (target: CopyTargetView, store: S3Store) => Promise<T>): Promise<T> => {
    const target = copies.target(targetId);
    const store = await copies.store(target.id);
    try {
      return await fn(target, store);
    } catch (e) {
      throw asAppError(e);
    } finally {
      store.close();
    }
  };
  const run: JobKind<'copy.run'> = {
    kind: 'copy.run',
    describeTarget: (p) =>
      `${safeName(() => destinations.get(p.destinationId).name, p.destinationId)} → ${safeName(() => copies.target(p.targetId).name, p.targetId)}`,
    concurrency: 1,
    run: (ctx) =>
      withTarget(ctx.params.targetId, (target, store) =>
        destinations.withOpen(ctx.params.destinationId, async (repo) => {
          const all = await listBackups(repo);
          const ids = ctx.params.backupIds ? new Set(ctx.params.backupIds) : null;
          if (ids) {
            const unknown = [...ids].filter((id) => !all.some((m) => m.id === id));
            if (unknown.length) throw new AppError('resource.notFound', `The destination has no restore point ${unknown.join(', ')}.`);
          }
          const chosen = all
            .filter(
              (m) =>
                (!ids || ids.has(m.id)) &&
                (!ctx.params.resourceId ||
                  (m.source as { resourceId?: string }).resourceId === ctx.params.resourceId ||
                  m.group === ctx.params.resourceId),
            )
            .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
          if (!chosen.length) throw new AppError('resource.notFound', 'No restore point to copy: the destination holds none that matches.');
          const lock = copies.lockOf(target);
          ctx.log(
            'info',
            `Copying ${chosen.length} restore point(s) to ${store.where}${lock ? `, each object locked (${lock.mode}) until ${lock.until.toISOString()}` : ''}.`,
          );
          const r = await copyOut(repo, store, chosen, {
            ...(lock ? { lock } : {}),
            signal: ctx.signal,
            log: (l, m) => ctx.log(l, m),
            onProgress: progressOf(ctx, 'Copying'),
          });
          const summary = `${r.copied.length} restore point(s) copied to ${target.name} (${r.chunksSent} chunks, ${formatBytes(r.bytesSent)} sent, ${r.chunksPresent} chunks already there)${r.alreadyThere.length ? `; ${r.alreadyThere.length} were there already` : ''}.`;
          ctx.log('info', summary);
          return { summary };
        }),
      ),
  };
  const pull: JobKind<'copy.pull'> = {
    kind: 'copy.pull',
    describeTarget: (p) => `${safeName(() => copies.target(p.targetId).name, p.targetId)} → ${p.path}`,
    concurrency: 1,
    run: (ctx) =>
      withTarget(ctx.params.targetId, async (target, store) => {
        const r = await copyIn(store, ctx.params.path, {
          ...(ctx.params.backupIds ? { backups: ctx.params.backupIds } : {}),
          signal: ctx.signal,
          log: (l, m) => ctx.log(l, m),
          onProgress: progressOf(ctx, 'Pulling'),
        });
        const destination = destinations.list().find((d) => d.path === ctx.params.path);
        let after = ` Add it as a destination to restore from it: backstack destination add NAME ${ctx.params.path}`;
        if (destination) {
          const indexed = await destinations.reindex(destination.id);
          after = ` Destination ${destination.name} re-indexed: ${indexed.indexed} restore point(s).`;
        }
        const summary = `${r.pulled.length} restore point(s) pulled from ${target.name} into ${ctx.params.path} (${r.chunksFetched} chunks, ${formatBytes(r.bytesFetched)})${r.alreadyThere.length ? `; ${r.alreadyThere.length} were there already` : ''}.${after}`;
        ctx.log('info', summary);
        return { summary };
      }),
  };
  return [run, pull];
}

function safeName(f: () => string, fallback: string): string {
  try {
    return f();
  } catch {
    return fallback;
  }
}
