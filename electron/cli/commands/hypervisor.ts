import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { readStdin, readUserFile } from '../read-input';
import { printJson, unwrap, UsageError, wholeNumber } from '../output';

interface SshOptions {
  provider: string;
  host: string;
  address: string;
  port: number;
  user: string;
  key?: string;
  passphraseStdin?: boolean;
  passwordStdin?: boolean;
  hostKey?: string;
  transfer: 'ssh' | 'direct';
  transferAddress?: string;
  transferPorts?: [number, number];
  json?: boolean;
}

/** "16000-16999" → [16000, 16999]; the contract checks the range itself. */
function parsePorts(v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`--transfer-ports wants LOW-HIGH (e.g. 16000-16999), not "${v}".`);
  return [Number(m[1]), Number(m[2])];
}

export function register(program: Command, ctx: CliContext): void {
  const hv = program.command('hypervisor').description('compute hosts (KVM hypervisors) of a cloud');
  hv.command('ssh')
    .description('set how Backstack reaches a hypervisor over SSH (libvirt strategy); the key or password is stored sealed')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--host <host>', "the compute host as Nova names it (OS-EXT-SRV-ATTR:host)")
    .requiredOption('--address <address>', 'address to connect to')
    .option('--port <port>', 'SSH port', wholeNumber('--port'), 22)
    .requiredOption('--user <user>', 'SSH user (root, or one allowed to run virsh, qemu-img, qemu-nbd, rbd)')
    .option('--key <file>', 'private key file (OpenSSH or PEM); without --key or --password-stdin the stored one is kept')
    .option('--passphrase-stdin', "with --key: read the key's passphrase from standard input")
    .option('--password-stdin', 'read the password from standard input (never from the command line)')
    .option('--host-key <fingerprint>', 'pin this host key now ("SHA256:…"); else the first connection pins what it sees')
    .addOption(
      new Option('--transfer <mode>', 'how disks travel: ssh (through the SSH connection) or direct (TLS on a port of the host, faster)')
        .choices(['ssh', 'direct'])
        .default('ssh'),
    )
    .option('--transfer-address <address>', "with --transfer direct: the host's address for disk data (default: --address)")
    .option('--transfer-ports <low-high>', 'with --transfer direct: ports qemu-nbd may listen on (default 16000-16999)', parsePorts)
    .option('--json', 'print JSON')
    .action(async (o: SshOptions) => {
      // Neither: the stored key or password is kept (it is write-only).
      if (o.key && o.passwordStdin) throw new UsageError('Give one of --key FILE or --password-stdin, not both.');
      if (o.transfer === 'ssh' && (o.transferAddress || o.transferPorts))
        throw new UsageError('--transfer-address and --transfer-ports go with --transfer direct (over SSH, disks travel through the SSH connection).');
      const secret = o.key
        ? { privateKey: readUserFile(o.key, 'private key'), ...(o.passphraseStdin ? { passphrase: await readStdin(ctx.stdin) } : {}) }
        : o.passwordStdin
          ? { password: await readStdin(ctx.stdin) }
          : {};
      const core = await ctx.openCore({ runJobs: false });
      try {
        const r = unwrap(
          await core.api.invoke('hypervisors.setSsh', {
            providerId: o.provider,
            hostname: o.host,
            address: o.address,
            port: o.port,
            user: o.user,
            ...secret,
            ...(o.hostKey ? { hostKey: o.hostKey } : {}),
            transfer: o.transfer,
            ...(o.transferAddress ? { transferAddress: o.transferAddress } : {}),
            ...(o.transferPorts ? { transferPorts: o.transferPorts } : {}),
          }),
        );
        if (o.json) return printJson(r, ctx.out);
        const t = r.ssh.transfer;
        const via = t.kind === 'direct' ? `disks travel directly over TLS from ${t.address ?? r.ssh.address}, ports ${t.ports[0]}-${t.ports[1]}` : 'disks travel through SSH';
        const auth = r.ssh.key ? `key ${r.ssh.key.fingerprint}` : (r.ssh.auth ?? 'no credentials');
        ctx.out(`SSH settings of ${r.hostname} saved: ${r.ssh.user}@${r.ssh.address}:${r.ssh.port} (${auth}); host key ${r.ssh.hostKey ?? 'pinned on first connection'}; ${via}.\n`);
      } finally {
        await core.close();
      }
    });

  hv.command('test')
    .description('connect with the saved SSH settings (pinning the host key on first use) and check libvirt and the tools backups run there')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--host <name>', 'hypervisor hostname (as hypervisors are listed)')
    .option('--json', 'print JSON')
    .action(async (o: { provider: string; host: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('hypervisors.test', { providerId: o.provider, hostname: o.host }));
        if (o.json) printJson(r, ctx.out);
        else {
          ctx.out(`${r.hostname}: ${r.ok ? 'ready for backups' : 'not ready'}\n`);
          if (r.hostKey) ctx.out(`  host key  ${r.hostKey}${r.pinnedNow ? ' (pinned now)' : ''}\n`);
          if (r.libvirt) ctx.out(`  libvirt   ${r.libvirt.split('\n').join('; ')}\n`);
          for (const t of r.tools) ctx.out(`  ${t.name.padEnd(9)} ${t.path ?? `missing (needed for ${t.neededFor})`}\n`);
        }
        // Exit 1 with the problems, each saying what to do.
        if (!r.ok) throw new AppError('internal', `${r.hostname} is not ready for backups:\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
      });
    });
}
