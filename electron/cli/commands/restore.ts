import type { Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { unwrap, UsageError } from '../output';
import { followJob } from '../wait-job';
import { destinationId } from './destination';

interface RunOptions {
  backup: string;
  name?: string;
  flavor?: string;
  network?: string;
  keypair?: string;
  project?: string;
  provider?: string;
  destination?: string;
  libvirt?: boolean;
  host?: string;
  verify?: boolean;
}

/** What each target uses: Nova picks the host itself; a domain defined on a hypervisor has no flavor, network, key pair or project. */
function checkTarget(o: RunOptions): void {
  if (!o.libvirt && o.host) throw new UsageError('--host goes with --libvirt (through Nova, the scheduler picks the host).');
  const novaOnly = (['flavor', 'network', 'keypair', 'project'] as const).filter((k) => o[k] !== undefined);
  if (o.libvirt && novaOnly.length)
    throw new UsageError(`${novaOnly.map((k) => `--${k}`).join(', ')} ${novaOnly.length > 1 ? 'go' : 'goes'} with a restore through Nova, not --libvirt (the domain keeps its definition).`);
}

export function register(program: Command, ctx: CliContext): void {
  const restore = program.command('restore').description('bring instances back from restore points');
  restore
    .command('run')
    .description('restore an instance: a new server through Nova (default), or the domain defined on a hypervisor (--libvirt)')
    .requiredOption('--backup <id>', 'restore point id (from backstack backup list)')
    .option('--name <name>', 'name of the restored instance (default: the original name + "-restored-" + the backup day)')
    .option('--flavor <flavor>', 'through Nova: flavor name or id (default: the original)')
    .option('--network <network>', 'through Nova: network name or id (default: the original networks)')
    .option('--keypair <name>', 'through Nova: key pair (default: the original)')
    .option('--project <id>', 'through Nova: project to restore into (default: the original)')
    .option('--provider <name>', 'the cloud to restore into (default: the one the restore point was taken from, found by its Keystone URL and region)')
    .option('--destination <name>', 'the destination holding the restore point (default: where the catalog indexes it)')
    .option('--libvirt', 'define the domain on the hypervisor instead of creating a server through Nova')
    .option('--host <host>', 'with --libvirt: the compute host (default: the original)')
    .option('--verify', 'check every restored disk on the hypervisor against the backup before the instance starts')
    .action(async (o: RunOptions) => {
      checkTarget(o);
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(
          await core.api.invoke('restore.start', {
            backupId: o.backup,
            target: o.libvirt ? 'libvirt' : 'nova',
            ...(o.name ? { name: o.name } : {}),
            ...(o.flavor ? { flavor: o.flavor } : {}),
            ...(o.network ? { network: o.network } : {}),
            ...(o.keypair ? { keypair: o.keypair } : {}),
            ...(o.project ? { projectId: o.project } : {}),
            ...(o.provider ? { providerId: o.provider } : {}),
            ...(o.host ? { host: o.host } : {}),
            ...(o.destination ? { destinationId: await destinationId(core, o.destination) } : {}),
            verify: Boolean(o.verify),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Restore done.'}\n`);
      });
    });
}
