import { Option, type Command } from 'commander';
import type { Job, JobState } from '../../../shared/domain/jobs';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, table, unwrap, wholeNumber } from '../output';

/** JobState's values, spelled out so the help needs no zod (jobs.test.ts checks they match). */
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'warning', 'failed', 'cancelled', 'interrupted'];

const progressText = (j: Job) => {
  const p = j.progress;
  if (p.bytesTotal) return `${Math.floor((100 * p.bytesDone) / p.bytesTotal)}% of ${formatBytes(p.bytesTotal)}`;
  return p.bytesDone ? formatBytes(p.bytesDone) : '-';
};

export function register(program: Command, ctx: CliContext): void {
  const jobs = program.command('jobs').description('the job history and task logs: list, inspect and cancel jobs');

  jobs
    .command('list')
    .description('list recent jobs, newest first')
    .addOption(new Option('--state <state...>', 'only these states').choices(JOB_STATES))
    .option('--limit <n>', 'how many (1 to 1000)', wholeNumber('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (o: { state?: JobState[]; limit: number; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const res = unwrap(await core.api.invoke('jobs.list', { ...(o.state ? { states: o.state } : {}), limit: o.limit }));
        if (o.json) return printJson(res.items, ctx.out);
        if (res.items.length === 0) return ctx.out('No jobs yet.\n');
        table(
          [
            ['ID', 'KIND', 'STATE', 'PHASE', 'PROGRESS', 'CREATED', 'TARGET'],
            ...res.items.map((j) => [j.id, j.kind, j.state, j.progress.phase, progressText(j), j.createdAt, j.target]),
          ],
          ctx.out,
        );
      });
    });

  jobs
    .command('show')
    .description('show a job and its task log')
    .argument('<id>', 'job id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const job = unwrap(await core.api.invoke('jobs.get', { id }));
        const log = unwrap(await core.api.invoke('jobs.getLog', { id })).items;
        if (o.json) return printJson({ ...job, log }, ctx.out);
        table(
          [
            ['id', job.id],
            ['kind', job.kind],
            ['target', job.target],
            ['state', job.state],
            ['phase', job.progress.phase],
            ['progress', progressText(job)],
            ['attempt', `${job.attempt} of ${job.maxAttempts}`],
            ['created', job.createdAt],
            ['finished', job.finishedAt ?? '-'],
            ...(job.error ? [['error', `${job.error.message} (${job.error.code})`]] : []),
            ...(job.summary ? [['summary', job.summary]] : []),
          ],
          ctx.out,
        );
        if (log.length) ctx.out('\nlog:\n');
        for (const e of log) ctx.out(`${e.at} ${e.level.toUpperCase().padEnd(5)} ${e.message}\n`);
      });
    });

  jobs
    .command('cancel')
    .description('cancel a queued or running job (also one run by the app or another CLI)')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const job = unwrap(await core.api.invoke('jobs.cancel', { id }));
        ctx.out(job.state === 'cancelled' ? `Job ${id} cancelled.\n` : `Asked the process running job ${id} to cancel it (now ${job.state}).\n`);
      });
    });
}
