import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { printJson, table, unwrap } from '../output';
import { readStdin } from '../read-input';

/** Backup destinations this installation writes to (the repositories the catalog knows). */
export function register(program: Command, ctx: CliContext): void {
  const dest = program.command('destination').description('backup destinations known to this installation (repositories in the catalog)');

  dest
    .command('create')
    .description('create a repository in an empty folder and make it a destination')
    .argument('<name>', 'a name for it')
    .argument('<dir>', 'an empty or new folder')
    .option('--passphrase-stdin', 'encrypt it; read the passphrase from standard input (at least 8 characters)')
    .action(async (name: string, dir: string, o: { passphraseStdin?: boolean }) => {
      const passphrase = o.passphraseStdin ? await readStdin() : undefined;
      const core = ctx.openCore({ runJobs: false });
      try {
        const r = unwrap(await core.api.invoke('destinations.create', { name, path: path.resolve(dir), ...(passphrase ? { passphrase } : {}) }));
        ctx.out(`Destination "${r.destination.name}" created in ${r.destination.path}${r.destination.isDefault ? ' (the default one)' : ''}.\n`);
        if (r.recoveryKey) {
          ctx.out(`\nRecovery key (opens the repository without the passphrase; shown once — store it away from this machine):\n  ${r.recoveryKey}\n`);
        }
      } finally {
        await core.close();
      }
    });

  dest
    .command('add')
    .description('add an existing repository (another machine’s, or after a reinstall) and index its backups')
    .argument('<name>', 'a name for it')
    .argument('<dir>', 'the folder holding the repository')
    .option('--passphrase-stdin', 'read the passphrase of an encrypted repository from standard input')
    .action(async (name: string, dir: string, o: { passphraseStdin?: boolean }) => {
      const passphrase = o.passphraseStdin ? await readStdin() : undefined;
      const core = ctx.openCore({ runJobs: false });
      try {
        const r = unwrap(await core.api.invoke('destinations.add', { name, path: path.resolve(dir), ...(passphrase ? { passphrase } : {}) }));
        ctx.out(`Destination "${r.name}" added (${r.path}).\n`);
      } finally {
        await core.close();
      }
    });

  dest
    .command('list')
    .description('list the destinations')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const core = ctx.openCore({ runJobs: false });
      try {
        const { items } = unwrap(await core.api.invoke('destinations.list', {}));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) return ctx.out('No destination yet. Create one: backstack destination create NAME DIR\n');
        table([['NAME', 'PATH', 'ENCRYPTED', 'DEFAULT'], ...items.map((r) => [r.name, r.path, r.encrypted ? 'yes' : 'no', r.isDefault ? 'yes' : ''])], ctx.out);
      } finally {
        await core.close();
      }
    });

  dest
    .command('default')
    .description('make a destination the default one')
    .argument('<name>')
    .action(async (name: string) => {
      const core = ctx.openCore({ runJobs: false });
      try {
        unwrap(await core.api.invoke('destinations.setDefault', { id: name }));
        ctx.out(`Backups now go to "${name}" unless told otherwise.\n`);
      } finally {
        await core.close();
      }
    });

  dest
    .command('remove')
    .description('forget a destination (the repository on disk is left as it is)')
    .argument('<name>')
    .action(async (name: string) => {
      const core = ctx.openCore({ runJobs: false });
      try {
        unwrap(await core.api.invoke('destinations.remove', { id: name }));
        ctx.out(`Destination "${name}" forgotten; its repository is untouched.\n`);
      } finally {
        await core.close();
      }
    });
}
