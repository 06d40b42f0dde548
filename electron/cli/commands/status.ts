import type { Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap, wholeNumber } from '../output';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('show the version, catalog, schema, providers and responsiveness of this installation')
    .option('--json', 'print JSON')
    .option('--sample-ms <ms>', "how long to sample this process's event-loop delay before reporting its p99", wholeNumber('--sample-ms'), 50)
    .action(async (o: { json?: boolean; sampleMs: number }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        // The p99 needs an interval to mean anything: measure this process idle for a moment.
        await new Promise((r) => setTimeout(r, o.sampleMs));
        const s = unwrap(await core.api.invoke('app.getStatus', {}));
        if (o.json) return printJson(s, ctx.out);
        table(
          [
            ['version', s.version],
            ['catalog', s.catalogPath],
            ['installation', s.installationId],
            ['schema version', String(s.schemaVersion)],
            ['providers', String(s.providersCount)],
            ['jobs running', String(s.jobsRunning)],
            ['event-loop delay p99', `${s.eventLoopDelayP99Ms} ms (over ${o.sampleMs} ms)`],
            ['node', s.versions.node ?? '-'],
          ],
          ctx.out,
        );
      });
    });
}
