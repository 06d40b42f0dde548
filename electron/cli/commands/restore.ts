import type { Command } from 'commander';
import type { CliContext } from '../context';
import { unwrap } from '../output';
import { followJob } from '../wait-job';

interface RunOptions {
  backup: string;
  name?: string;
  flavor?: string;
  network?: string;
  keypair?: string;
  project?: string;
  repo?: string;
  libvirt?: boolean;
  host?: string;
  verify?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const restore = program.command('restore').description('bring instances back from backups');
  restore
    .command('run')
    .description('restore an instance: a new server through Nova (default), or the domain defined on a hypervisor (--libvirt)')
    .requiredOption('--backup <id>', 'backup id (from backstack backup list)')
    .option('--name <name>', 'name of the restored instance (default: the original name)')
    .option('--flavor <flavor>', 'flavor name or id (default: the original)')
    .option('--network <network>', 'network name or id (default: the original networks)')
    .option('--keypair <name>', 'key pair (default: the original)')
    .option('--project <id>', 'project to restore into (default: the original)')
    .option('--repo <name>', 'backup destination holding the backup (default: where the catalog indexed it)')
    .option('--libvirt', 'define the domain on the hypervisor instead of creating a server through Nova')
    .option('--host <host>', 'with --libvirt: the compute host (default: the original)')
    .option('--verify', 'check every restored disk on the hypervisor against the backup before the instance starts')
    .action(async (o: RunOptions) => {
      const core = ctx.openCore();
      try {
        const destinationId = o.repo ? unwrap(await core.api.invoke('destinations.list', {})).items.find((r) => r.name === o.repo || r.id === o.repo)?.id ?? o.repo : undefined;
        const { jobId } = unwrap(
          await core.api.invoke('restore.start', {
            backupId: o.backup,
            target: o.libvirt ? 'libvirt' : 'nova',
            ...(o.name ? { name: o.name } : {}),
            ...(o.flavor ? { flavor: o.flavor } : {}),
            ...(o.network ? { network: o.network } : {}),
            ...(o.keypair ? { keypair: o.keypair } : {}),
            ...(o.project ? { projectId: o.project } : {}),
            ...(o.host ? { host: o.host } : {}),
            ...(destinationId ? { destinationId } : {}),
            verify: Boolean(o.verify),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        ctx.out(`${job.summary ?? 'Restore done.'}\n`);
      } finally {
        await core.close();
      }
    });
}
