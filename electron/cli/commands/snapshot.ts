import type { Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { printJson, unwrap } from '../output';

/** The snapshot an instance's last backup kept on its hypervisor, for the next incremental. */
export function register(program: Command, ctx: CliContext): void {
  const snapshot = program.command('snapshot').description("the snapshots this installation keeps on hypervisors for incremental backups");
  snapshot
    .command('release')
    .description("merge this installation's kept overlay and remove its kept RBD snapshots of an instance (other installations' are left alone); the next backup of it is full")
    .requiredOption('--instance <id>', 'server id')
    .requiredOption('--provider <name>', 'cloud name or id')
    .option('--json', 'print JSON')
    .action(async (o: { instance: string; provider: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('backups.releaseSnapshot', { providerId: o.provider, instanceId: o.instance }));
        if (o.json) return printJson(r, ctx.out);
        ctx.out(`${r.message}\n`);
        for (const line of r.released) ctx.out(`  released: ${line}\n`);
        for (const line of r.others) ctx.out(`  left alone: ${line}\n`);
        ctx.err('Warning: the next backup of this instance will be full.\n');
      });
    });
}
