import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap, UsageError, wholeNumber } from '../output';
import { readStdin, readUserFile } from '../read-input';

interface AddOptions {
  provider: string;
  server: string;
  address: string;
  port: number;
  user: string;
  key?: string;
  passphraseStdin?: boolean;
  passwordStdin?: boolean;
  hostKey?: string;
  via?: string;
  json?: boolean;
}

/** Proxy VMs of the disk-attachment strategy: where temporary volumes are attached and read. */
export function register(program: Command, ctx: CliContext): void {
  const proxy = program
    .command('proxy')
    .description('proxy VMs of the disk-attachment strategy: instances of the cloud that volumes are attached to and read on over SSH (python3 needed there)');

  proxy
    .command('add')
    .description('add an instance of the cloud as a proxy VM (the key or password is stored sealed)')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--server <name-or-id>', 'the proxy instance in Nova')
    .requiredOption('--address <address>', 'SSH address of the proxy (its fixed or floating IP)')
    .option('--port <port>', 'SSH port', wholeNumber('--port'), 22)
    .requiredOption('--user <user>', 'SSH user: root, or a user that may run python3 with sudo -n')
    .option('--key <file>', 'private key file (OpenSSH or PEM)')
    .option('--passphrase-stdin', "with --key: read the key's passphrase from standard input")
    .option('--password-stdin', 'read the password from standard input (never from the command line)')
    .option('--host-key <fingerprint>', 'pin this host key now ("SHA256:…"); else the first connection pins what it sees')
    .option('--via <hypervisor>', 'reach the proxy through this hypervisor (its saved SSH settings) as a jump host')
    .option('--json', 'print JSON')
    .action(async (o: AddOptions) => {
      if (Boolean(o.key) === Boolean(o.passwordStdin)) throw new UsageError('Give one of --key FILE or --password-stdin.');
      const secret = o.key
        ? { privateKey: readUserFile(o.key, 'private key'), ...(o.passphraseStdin ? { passphrase: await readStdin(ctx.stdin) } : {}) }
        : { password: await readStdin(ctx.stdin) };
      await withCore(ctx, { runJobs: false }, async (core) => {
        const p = unwrap(
          await core.api.invoke('proxies.add', {
            providerId: o.provider,
            server: o.server,
            address: o.address,
            port: o.port,
            user: o.user,
            ...secret,
            ...(o.hostKey ? { hostKey: o.hostKey } : {}),
            ...(o.via ? { viaHypervisor: o.via } : {}),
          }),
        );
        if (o.json) printJson(p, ctx.out);
        else
          ctx.out(
            `Proxy ${p.serverName} (${p.serverId}) added: ${p.user}@${p.address}:${p.port}${p.viaHypervisor ? ` through ${p.viaHypervisor}` : ''}, zone ${p.availabilityZone ?? '-'}; host key ${p.hostKey ?? 'pinned on first connection'}. Check it with: backstack proxy test ${p.serverName}\n`,
          );
      });
    });

  proxy
    .command('list')
    .description("a cloud's proxy VMs")
    .requiredOption('--provider <name>', 'cloud name or id')
    .option('--json', 'print JSON')
    .action(async (o: { provider: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('proxies.list', { providerId: o.provider }));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) return ctx.out('No proxy VM. Add one with: backstack proxy add --provider NAME --server INSTANCE --address IP --user USER --key FILE\n');
        table(
          [
            ['SERVER', 'ZONE', 'SSH', 'VIA', 'HOST KEY'],
            ...items.map((p) => [p.serverName, p.availabilityZone ?? '-', `${p.user}@${p.address}:${p.port}`, p.viaHypervisor ?? '-', p.hostKey ?? 'not pinned yet']),
          ],
          ctx.out,
        );
      });
    });

  proxy
    .command('test')
    .description('connect (pinning the host key on first use), check python3 on the proxy and the instance in Nova')
    .argument('<proxy>', 'the proxy instance name or id')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('proxies.test', { id }));
        if (o.json) printJson(r, ctx.out);
        else {
          ctx.out(`${id}: ${r.ok ? 'ready for backups' : 'not ready'}\n`);
          if (r.hostKey) ctx.out(`  host key  ${r.hostKey}${r.pinnedNow ? ' (pinned now)' : ''}\n`);
          ctx.out(`  instance  ${r.serverStatus ?? 'not found'}\n  python3   ${r.python ?? 'missing'}\n`);
        }
        if (!r.ok) throw new AppError('internal', `${id} is not ready for backups:\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
      });
    });

  proxy
    .command('remove')
    .description('forget a proxy VM (the instance itself is left as it is)')
    .argument('<proxy>', 'the proxy instance name or id')
    .action(async (id: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        unwrap(await core.api.invoke('proxies.remove', { id }));
        ctx.out(`Proxy ${id} removed.\n`);
      });
    });
}
