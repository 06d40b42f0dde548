import type { Command } from 'commander';
import type { CliContext } from '../context';
import { readStdin, readUserFile } from '../read-input';
import { printJson, unwrap } from '../output';

interface SshOptions {
  provider: string;
  host: string;
  address: string;
  port: string;
  user: string;
  key?: string;
  passwordStdin?: boolean;
  hostKey?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const hv = program.command('hypervisor').description('compute hosts (KVM hypervisors) of a cloud');
  hv.command('ssh')
    .description('set how Backstack reaches a hypervisor over SSH (libvirt strategy); the key or password is stored sealed')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--host <host>', "the compute host as Nova names it (OS-EXT-SRV-ATTR:host)")
    .requiredOption('--address <address>', 'address to connect to')
    .option('--port <port>', 'SSH port', '22')
    .requiredOption('--user <user>', 'SSH user (root, or one allowed to run virsh, qemu-img, qemu-nbd, rbd)')
    .option('--key <file>', 'private key file (OpenSSH or PEM)')
    .option('--password-stdin', 'read the password from standard input (never from the command line)')
    .option('--host-key <fingerprint>', 'pin this host key now ("SHA256:…"); else the first connection pins what it sees')
    .option('--json', 'print JSON')
    .action(async (o: SshOptions) => {
      if (Boolean(o.key) === Boolean(o.passwordStdin)) throw new Error('Give exactly one of --key FILE or --password-stdin.');
      const secret = o.key ? { privateKey: readUserFile(o.key, 'private key') } : { password: await readStdin() };
      const core = ctx.openCore({ runJobs: false });
      try {
        const provider = unwrap(await core.api.invoke('providers.list', {})).items.find((p) => p.name === o.provider || p.id === o.provider);
        const r = unwrap(
          await core.api.invoke('hypervisors.setSsh', {
            providerId: provider?.id ?? o.provider,
            hostname: o.host,
            address: o.address,
            port: Number(o.port),
            user: o.user,
            ...secret,
            ...(o.hostKey ? { hostKey: o.hostKey } : {}),
          }),
        );
        if (o.json) return printJson(r, ctx.out);
        ctx.out(`SSH settings of ${r.hostname} saved: ${r.ssh.user}@${r.ssh.address}:${r.ssh.port} (${r.ssh.auth}); host key ${r.ssh.hostKey ?? 'pinned on first connection'}.\n`);
      } finally {
        await core.close();
      }
    });
}
