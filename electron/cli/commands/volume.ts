import type { Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { unwrap } from '../output';
import { followJob } from '../wait-job';
import { destinationId } from './destination';

/** Cinder volumes on their own (attached or not): backed up on the cloud's proxy VM; restored with `restore volume`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('volume')
    .description('Cinder volumes on their own')
    .command('backup')
    .description("back up a Cinder volume on its own (attached or not), read on the cloud's proxy VM (see proxy add); incremental unless --full: only changed blocks cross the network")
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--volume <id>', 'volume id')
    .option('--full', 'a full backup')
    .option('--destination <name>', 'where the backup goes (default: the default destination)')
    .action(async (o: { provider: string; volume: string; full?: boolean; destination?: string }) => {
      await withCore(ctx, {}, async (core) => {
        const destination = o.destination ? await destinationId(core, o.destination) : undefined;
        const { jobId } = unwrap(
          await core.api.invoke('backups.startVolume', { providerId: o.provider, volumeId: o.volume, mode: o.full ? 'full' : 'auto', ...(destination ? { destinationId: destination } : {}) }),
        );
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Backup done.'}\n`);
      });
    });
}
