import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { CliContext } from '../context';
import { printJson, table, unwrap } from '../output';
import { followJob } from '../wait-job';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description("list a cloud's domains, projects, instances, volumes, images … into the catalog")
    .argument('<provider>', 'cloud name or id')
    .action(async (name: string) => {
      const core = await ctx.openCore();
      try {
        const { items } = unwrap(await core.api.invoke('providers.list', {}));
        const p = items.find((x) => x.name === name || x.id === name);
        const { jobId } = unwrap(await core.api.invoke('inventory.startSync', { providerId: p?.id ?? name }));
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Inventory synced.'}\n`);
      } finally {
        await core.close();
      }
    });

  const instances = program.command('instances').description('instances in the inventory');
  instances
    .command('list')
    .description('list instances (as of the last sync)')
    .option('--provider <name>', 'only this cloud')
    .option('--project <name>', 'only this project (name or id)')
    .option('--json', 'print JSON')
    .action(async (o: { provider?: string; project?: string; json?: boolean }) => {
      const core = await ctx.openCore({ runJobs: false });
      try {
        const providers = unwrap(await core.api.invoke('providers.list', {})).items;
        const provider = o.provider ? providers.find((p) => p.name === o.provider || p.id === o.provider) : undefined;
        if (o.provider && !provider) throw new AppError('resource.notFound', `No cloud named or with id "${o.provider}". List them with: backstack provider list`);
        const { items } = unwrap(await core.api.invoke('inventory.listInstances', provider ? { providerId: provider.id } : {}));
        const rows = o.project ? items.filter((i) => i.projectId === o.project || i.projectName === o.project) : items;
        if (o.json) return printJson(rows, ctx.out);
        if (!rows.length)
          return ctx.out(
            providers.length
              ? 'No instances. Run: backstack sync CLOUD\n'
              : 'No cloud yet. Add one: backstack provider add --name NAME --openrc FILE\n',
          );
        table(
          [
            ['ID', 'NAME', 'PROJECT', 'STATUS', 'HOST', 'FLAVOR', 'DISKS', 'TAGS'],
            ...rows.map((i) => [
              i.id,
              i.name,
              i.projectName ?? i.projectId,
              i.status,
              i.host ?? '-',
              i.flavorName ?? '-',
              String(i.diskCount),
              i.tags.join(','),
            ]),
          ],
          ctx.out,
        );
      } finally {
        await core.close();
      }
    });
}
