import type { Job } from '../../shared/domain/jobs';
import { AppError } from '../../shared/errors/app-error';
import type { Core } from '../core/create-core';
import type { CliContext } from './context';
import { formatBytes } from './output';

/**
 * Follows a job started by this CLI to its end, printing its log and progress on stderr;
 * Ctrl-C cancels it (cleanly: the job's own cleanup runs). Throws when it did not succeed.
 */
export async function followJob(core: Core, jobId: string, ctx: CliContext): Promise<Job> {
  const offLog = core.bus.on('jobs.logged', ({ id, entry }) => {
    if (id === jobId) ctx.err(`${entry.level.toUpperCase().padEnd(5)} ${entry.message}\n`);
  });
  let lastLine = 0;
  const offProgress = core.bus.on('jobs.progressed', ({ id, progress: p }) => {
    if (id !== jobId || Date.now() - lastLine < 2000) return;
    lastLine = Date.now();
    const pct = p.bytesTotal ? ` ${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%` : '';
    const rate = p.rate && p.unit !== 'steps' ? ` ${formatBytes(p.rate)}/s` : '';
    const eta = p.etaSeconds !== null ? ` ETA ${p.etaSeconds}s` : '';
    ctx.err(`      ${p.phase}${pct}${p.unit === 'steps' ? '' : ` ${formatBytes(p.bytesDone)}`}${rate}${eta}\n`);
  });
  const onSigint = () => {
    ctx.err('Cancelling…\n');
    core.jobs.cancel(jobId);
  };
  process.once('SIGINT', onSigint);
  try {
    // Imported here, after the log is followed: a static import would load the job schemas (zod) for --version too.
    const { isTerminal } = await import('../../shared/domain/jobs');
    const job = await new Promise<Job>((resolve) => {
      const check = (j: Job) => {
        if (j.id === jobId && isTerminal(j.state)) {
          off();
          resolve(j);
        }
      };
      const off = core.bus.on('jobs.changed', check);
      check(core.jobs.get(jobId));
    });
    if (job.state === 'succeeded' || job.state === 'warning') return job;
    if (job.error) throw AppError.fromPayload(job.error);
    throw new AppError(job.state === 'cancelled' ? 'job.cancelled' : 'internal', `Job ${job.state}.`);
  } finally {
    process.off('SIGINT', onSigint);
    offLog();
    offProgress();
  }
}
