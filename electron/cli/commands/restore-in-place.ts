import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { printJson, unwrap } from '../output';
import { readLine } from '../read-input';
import { followJob } from '../wait-job';
import { destinationId } from './destination';

interface InPlaceOptions {
  backup: string;
  instance: string;
  disk: string[];
  provider?: string;
  destination?: string;
  yes?: boolean;
  json?: boolean;
}

const collect = (v: string, all: string[]) => [...all, v];

/** Says what will be overwritten and waits for "yes" on standard input (a script passes --yes). */
async function confirm(o: InPlaceOptions, ctx: CliContext): Promise<void> {
  const disks = o.disk.length ? `disks ${[...new Set(o.disk)].join(', ')}` : 'every disk of the restore point';
  ctx.err(
    `Restore point ${o.backup} will be written over ${disks} of instance ${o.instance}: the instance is stopped through Nova (when running), ` +
      'every block that differs from the restore point is overwritten, and it is started again afterwards. What was written on those disks since is lost.\n' +
      'Type yes to go on: ',
  );
  const answer = await readLine(ctx.stdin);
  if (answer.trim().toLowerCase() !== 'yes') throw new AppError('validation.invalidInput', 'Not confirmed: nothing was changed. Answer "yes", or pass --yes.');
}

export function registerInPlace(restore: Command, ctx: CliContext): void {
  restore
    .command('in-place')
    .description(
      "restore over an instance's existing disks (differential): the instance is stopped, only the blocks that differ from the restore point are written and checked on the hypervisor, then it is started again when it was running",
    )
    .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
    .requiredOption('--instance <id>', 'the instance whose disks are overwritten (its Nova id)')
    .option('--disk <disk>', 'restore this disk only (vda …); repeatable (default: every disk of the restore point)', collect, [])
    .option('--provider <name>', 'the cloud of the instance (default: the one the restore point was taken from)')
    .option('--destination <name>', 'the destination holding the restore point (default: where the catalog indexes it)')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the finished job as JSON')
    .action(async (o: InPlaceOptions) => {
      if (!o.yes) await confirm(o, ctx);
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(
          await core.api.invoke('restore.inPlace', {
            backupId: o.backup,
            instanceId: o.instance,
            ...(o.disk.length ? { disks: [...new Set(o.disk)] } : {}),
            ...(o.provider ? { providerId: o.provider } : {}),
            ...(o.destination ? { destinationId: await destinationId(core, o.destination) } : {}),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        if (o.json) printJson(job, ctx.out);
        else ctx.out(`${job.summary ?? 'Restored in place.'}\n`);
      });
    });
}
