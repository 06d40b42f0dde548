import { Option, type Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { Core } from '../../core/create-core';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, table, unwrap, UsageError } from '../output';
import { followJob } from '../wait-job';
import { destinationId } from './destination';
import { STRATEGY_CHOICES, strategyHelp, strategyOf } from './provider-input';

interface RunOptions {
  provider: string;
  instance: string[];
  full?: boolean;
  incremental?: boolean;
  excludeDisk: string[];
  destination?: string;
  keepSnapshot: boolean;
  strategy?: (typeof STRATEGY_CHOICES)[number];
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The destination holding a restore point: the one named, else the only one the catalog indexes it in. */
export async function holderOf(core: Core, backupId: string, named: string | undefined): Promise<string> {
  if (named) return named;
  const holders = unwrap(await core.api.invoke('backups.list', {})).items.filter((b) => b.id === backupId);
  if (holders.length === 1) return holders[0]!.destinationId;
  if (holders.length === 0)
    throw new AppError('resource.notFound', `No restore point ${backupId} in the catalog. List them with: backstack backup list (or re-index its destination).`);
  throw new UsageError(`${backupId} is in ${holders.length} destinations: name one with --destination NAME.`);
}

export function register(program: Command, ctx: CliContext): void {
  const backup = program.command('backup').description('restore points: back up an instance, list restore points, protect them from pruning');
  backup
    .command('run')
    .description(
      "back up instances now with the cloud's strategy (or --strategy): straight from their hypervisors over SSH; or their disks attached to the cloud's proxy VM and read there (see proxy add); both incremental unless --full; or through a Nova snapshot downloaded from Glance",
    )
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id; repeatable (one login, the backups run with the concurrency limits of Settings)', collect, [])
    .option('--full', 'a full backup')
    .option('--incremental', 'an incremental backup (falls back to full, with the reason in the log, when impossible)')
    .option('--exclude-disk <dev>', 'leave this disk out (vdb …); repeatable', collect, [])
    .option('--destination <name>', 'where the backup goes (default: the default destination)')
    .option('--no-keep-snapshot', 'remove the RBD snapshot after the backup (the next backup of Ceph disks will be full; file disks are unaffected)')
    .addOption(new Option('--strategy <name>', `${strategyHelp} (default: the cloud's)`).choices(STRATEGY_CHOICES))
    .action(async (o: RunOptions) => {
      if (o.full && o.incremental) throw new UsageError('Choose --full or --incremental, not both.');
      await withCore(ctx, {}, async (core) => {
        const destination = o.destination ? await destinationId(core, o.destination) : undefined;
        const jobIds: string[] = [];
        for (const instanceId of o.instance) {
          const { jobId } = unwrap(
            await core.api.invoke('backups.start', {
              providerId: o.provider,
              instanceId,
              mode: o.full ? 'full' : o.incremental ? 'incremental' : 'auto',
              excludeDisks: o.excludeDisk,
              keepSnapshot: o.keepSnapshot,
              ...(o.strategy ? { strategy: strategyOf(o.strategy) } : {}),
              ...(destination ? { destinationId: destination } : {}),
            }),
          );
          jobIds.push(jobId);
        }
        if (jobIds.length === 1) {
          const job = await followJob(core, jobIds[0]!, ctx);
          return ctx.out(`${job.summary ?? 'Backup done.'}\n`);
        }
        // Several: all queued at once (the manager runs them within the limits), reported as each ends.
        const results = await Promise.allSettled(jobIds.map((id) => followJob(core, id, ctx)));
        results.forEach((r, i) => ctx.out(`${core.jobs.get(jobIds[i]!).target}: ${r.status === 'fulfilled' ? (r.value.summary ?? 'done') : `failed: ${(r.reason as Error).message}`}\n`));
        const failed = results.filter((r) => r.status === 'rejected').length;
        if (failed) throw new AppError('internal', `${failed} of ${jobIds.length} backups failed (see above).`);
      });
    });

  program
    .command('cleanup')
    .description(
      "delete the temporary Glance images, Cinder snapshots and volumes this installation's backups and restores left in a cloud when killed (their job no longer runs); images kept on purpose and other installations' are left alone",
    )
    .requiredOption('--provider <name>', 'cloud name or id')
    .option('--dry-run', 'only list what would be deleted')
    .action(async (o: { provider: string; dryRun?: boolean }) => {
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(await core.api.invoke('backups.cleanup', { providerId: o.provider, dryRun: Boolean(o.dryRun) }));
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Clean-up done.'}\n`);
      });
    });

  backup
    .command('list')
    .description('restore points the catalog indexes, newest first')
    .option('--instance <id>', 'only those of this instance (or volume, or disk group)')
    .option('--destination <name>', 'only those in this destination')
    .option('--json', 'print JSON')
    .action(async (o: { instance?: string; destination?: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const filter = {
          ...(o.instance ? { resourceId: o.instance } : {}),
          ...(o.destination ? { destinationId: await destinationId(core, o.destination) } : {}),
        };
        const { items } = unwrap(await core.api.invoke('backups.list', filter));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) {
          const what = o.instance ? `of ${o.instance} ` : '';
          const where = o.destination ? `in ${o.destination} ` : '';
          return ctx.out(`No restore point ${what}${where}yet. Back up with: backstack backup run --provider CLOUD --instance ID\n`);
        }
        const names = new Map(unwrap(await core.api.invoke('destinations.list', {})).items.map((d) => [d.id, d.name]));
        const noted = items.some((b) => b.unusualChange);
        table(
          [
            ['ID', 'DESTINATION', 'OF', 'KIND', 'CREATED', 'SIZE', 'STORED', 'PROTECTED', ...(noted ? ['NOTE'] : [])],
            ...items.map((b) => [
              b.id,
              names.get(b.destinationId) ?? b.destinationId,
              b.resourceName,
              b.kind,
              b.createdAt,
              formatBytes(b.sizeBytes),
              formatBytes(b.storedBytes),
              b.protected ? 'yes' : '',
              // possibly ransomware encrypting the disk: worth a look before trusting this restore point
              ...(noted ? [b.unusualChange ? `unusual change: ${b.unusualChange.factor.toFixed(1)}× the usual` : ''] : []),
            ]),
          ],
          ctx.out,
        );
      });
    });

  for (const [verb, value] of [
    ['protect', true],
    ['unprotect', false],
  ] as const) {
    backup
      .command(verb)
      .description(
        value
          ? 'keep a restore point whatever the keep rules say (marked in the destination, so every workstation sharing it honours it)'
          : 'let prune judge a restore point by the keep rules again',
      )
      .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
      .option('--destination <name>', 'the destination holding it (default: the only one the catalog indexes it in)')
      .option('--json', 'print the restore point as JSON')
      .action(async (o: { backup: string; destination?: string; json?: boolean }) => {
        await withCore(ctx, { runJobs: false }, async (core) => {
          const holder = await holderOf(core, o.backup, o.destination);
          const b = unwrap(await core.api.invoke('backups.setProtected', { destinationId: holder, backupId: o.backup, protected: value }));
          if (o.json) return printJson(b, ctx.out);
          ctx.out(value ? `${b.id} is protected: prune keeps it until you unprotect it.\n` : `${b.id} is no longer protected: prune judges it by the keep rules.\n`);
        });
      });
  }
}
