import type { Command } from 'commander';
import type { CliContext } from '../context';
import { formatBytes, printJson, table, unwrap } from '../output';
import { followJob } from '../wait-job';

interface RunOptions {
  provider: string;
  instance: string;
  full?: boolean;
  incremental?: boolean;
  excludeDisk: string[];
  repo?: string;
  keepSnapshot: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command, ctx: CliContext): void {
  const backup = program.command('backup').description('instance backups (libvirt strategy: straight from the hypervisor over SSH)');
  backup
    .command('run')
    .description('back up an instance now; incremental when the last backup kept its snapshot, unless --full')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id')
    .option('--full', 'a full backup')
    .option('--incremental', 'an incremental backup (falls back to full, with the reason in the log, when impossible)')
    .option('--exclude-disk <dev>', 'leave this disk out (vdb …); repeatable', collect, [])
    .option('--repo <name>', 'backup destination (default: the default one)')
    .option('--no-keep-snapshot', 'merge the snapshot back after the backup (the next one will be full)')
    .action(async (o: RunOptions) => {
      if (o.full && o.incremental) throw new Error('Choose --full or --incremental, not both.');
      const core = ctx.openCore();
      try {
        const provider = unwrap(await core.api.invoke('providers.list', {})).items.find((p) => p.name === o.provider || p.id === o.provider);
        const destinationId = o.repo ? unwrap(await core.api.invoke('destinations.list', {})).items.find((r) => r.name === o.repo || r.id === o.repo)?.id ?? o.repo : undefined;
        const { jobId } = unwrap(
          await core.api.invoke('backups.start', {
            providerId: provider?.id ?? o.provider,
            instanceId: o.instance,
            mode: o.full ? 'full' : o.incremental ? 'incremental' : 'auto',
            excludeDisks: o.excludeDisk,
            keepSnapshot: o.keepSnapshot,
            ...(destinationId ? { destinationId } : {}),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Backup done.'}\n`);
      } finally {
        await core.close();
      }
    });
  backup
    .command('list')
    .description('restore points of an instance, newest first')
    .requiredOption('--instance <id>', 'server id')
    .option('--json', 'print JSON')
    .action(async (o: { instance: string; json?: boolean }) => {
      const core = ctx.openCore({ runJobs: false });
      try {
        const { items } = unwrap(await core.api.invoke('backups.list', { resourceId: o.instance }));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) return ctx.out(`No backup of ${o.instance} yet. Run: backstack backup run --provider NAME --instance ${o.instance}\n`);
        table(
          [
            ['ID', 'KIND', 'CREATED', 'SIZE', 'NEW', 'STORED', 'DISKS'],
            ...items.map((b) => [b.id, b.kind, b.createdAt, formatBytes(b.sizeBytes), formatBytes(b.newBytes), formatBytes(b.storedBytes), b.disks.map((d) => d.name).join(',')]),
          ],
          ctx.out,
        );
      } finally {
        await core.close();
      }
    });
}
