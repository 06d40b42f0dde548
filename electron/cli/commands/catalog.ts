import path from 'node:path';
import type { Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { unwrap } from '../output';
import { followJob } from '../wait-job';

export function register(program: Command, ctx: CliContext): void {
  const catalog = program.command('catalog').description('the local catalog (SQLite)');
  catalog
    .command('backup')
    .description('write a consistent copy of the catalog to FILE, as a job (never overwrites)')
    .argument('<file>', 'a new file to write')
    .action(async (file: string) => {
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(await core.api.invoke('catalog.startBackup', { file: path.resolve(file) }));
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Catalog copied.'}\n`);
      });
    });
}
