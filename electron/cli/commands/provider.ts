import { Option, type Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { ConnectionTest, EndpointInterface, ProviderInput } from '../../../shared/domain/providers';
import type { ProviderDraft } from '../../../shared/providers/import';
import type { CliContext } from '../context';
import { printJson, table, unwrap, UsageError } from '../output';
import { readStdin } from '../read-input';
import { registerEdit } from './provider-edit';
import { firstUseFingerprint, readCloudFile, STRATEGY_CHOICES, strategyHelp, strategyOf, type CloudFileOpts } from './provider-input';

interface AddOpts extends CloudFileOpts {
  name: string;
  interface?: EndpointInterface;
  region?: string;
  trustCertificate?: boolean;
  scoped?: boolean;
  strategy?: (typeof STRATEGY_CHOICES)[number];
  passwordStdin?: boolean;
  json?: boolean;
}

async function draftFrom(o: AddOpts, stdin: NodeJS.ReadableStream, env: NodeJS.ProcessEnv): Promise<ProviderDraft> {
  const draft = await readCloudFile(o, env);
  if (!draft) throw new UsageError('Give exactly one of --openrc FILE or --cloud NAME.');
  if (o.passwordStdin) draft.authDomain.password = await readStdin(stdin);
  else if (!draft.authDomain.password && !draft.authDomain.applicationCredential && env.OS_PASSWORD) draft.authDomain.password = env.OS_PASSWORD;
  if (!draft.authDomain.password && !draft.authDomain.applicationCredential) {
    throw new AppError(
      'validation.invalidInput',
      'The file gives no password (Horizon openrc files prompt for it): pass it with --password-stdin or set OS_PASSWORD.',
    );
  }
  return draft;
}

function printTest(t: ConnectionTest, out: (s: string) => void): void {
  if (t.certificate) out(`certificate  ${t.certificate.subject}\n             SHA-256 ${t.certificate.fingerprint256}\n`);
  for (const d of t.authDomains)
    out(`domain       ${d.name}: ${d.ok ? `ok, ${d.projects ?? 0} project(s)` : 'FAILED'}${d.message ? ` — ${d.message}` : ''}\n`);
  if (t.services.length) {
    table(
      [
        ['SERVICE', 'ENDPOINT', 'MAX VERSION', 'STATUS'],
        ...t.services.map((s) => [s.type, s.endpoint ?? '-', s.maxMicroversion ?? '-', s.ok ? 'ok' : `FAILED: ${s.message ?? ''}`]),
      ],
      out,
    );
  }
}

export function register(program: Command, ctx: CliContext): void {
  const provider = program.command('provider').description('OpenStack clouds (providers): add, edit, list, test, remove');

  provider
    .command('add')
    .description('test a cloud and save it (from an openrc file or a clouds.yaml entry)')
    .requiredOption('--name <name>', 'a name for this cloud in Backstack')
    .option('--openrc <file>', 'an OpenStack RC file')
    .option('--cloud <name>', 'an entry of clouds.yaml')
    .option('--clouds-yaml <file>', 'the clouds.yaml file (default: where openstacksdk looks)')
    .addOption(new Option('--interface <type>', 'endpoint interface (default: what the file says, else public)').choices(['public', 'internal', 'admin']))
    .option('--region <region>', 'region (one provider per region)')
    .option('--trust-certificate', 'trust (pin) a self-signed certificate on first use; a later change is refused')
    .option('--scoped', 'domain-scoped authorization: only this domain is scanned')
    .addOption(new Option('--strategy <name>', `${strategyHelp} (default: libvirt)`).choices(STRATEGY_CHOICES))
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print JSON')
    .action(async (o: AddOpts) => {
      const draft = await draftFrom(o, ctx.stdin, ctx.env);
      const { draftToInput } = await import('../../../shared/providers/import');
      const input: ProviderInput = draftToInput(o.name, draft, {
        ...(o.interface ? { endpointInterface: o.interface } : {}),
        ...(o.region ? { region: o.region } : {}),
        trustCertificates: Boolean(o.trustCertificate),
        scoped: Boolean(o.scoped),
        ...(o.strategy ? { strategy: strategyOf(o.strategy) } : {}),
      });
      const core = await ctx.openCore({ runJobs: false });
      try {
        const acceptFingerprint = o.trustCertificate ? await firstUseFingerprint(core, input, undefined, ctx.err) : undefined;
        const saved = unwrap(await core.api.invoke('providers.add', { provider: input, ...(acceptFingerprint ? { acceptFingerprint } : {}) }));
        if (o.json) return printJson(saved, ctx.out);
        ctx.out(`Cloud "${saved.name}" added (${saved.authUrl}, region ${saved.region}). Next: backstack sync ${saved.name}\n`);
      } finally {
        await core.close();
      }
    });

  registerEdit(provider, ctx);

  provider
    .command('list')
    .description('list the clouds')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const core = await ctx.openCore({ runJobs: false });
      try {
        const { items } = unwrap(await core.api.invoke('providers.list', {}));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) return ctx.out('No cloud yet. Add one: backstack provider add --name NAME --openrc FILE\n');
        table(
          [
            ['NAME', 'KEYSTONE', 'REGION', 'INTERFACE', 'STRATEGY', 'DOMAINS', 'LAST SYNC'],
            ...items.map((p) => [
              p.name,
              p.authUrl,
              p.region,
              p.endpointInterface,
              p.strategy,
              p.authDomains.map((d) => d.name).join(','),
              p.lastSyncAt ?? 'never',
            ]),
          ],
          ctx.out,
        );
      } finally {
        await core.close();
      }
    });

  provider
    .command('test')
    .description('test a saved cloud: certificate, logins, services and microversions')
    .argument('<name>', 'cloud name or id')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const core = await ctx.openCore({ runJobs: false });
      try {
        const t = unwrap(await core.api.invoke('providers.retest', { id: name }));
        if (o.json) printJson(t, ctx.out);
        else printTest(t, ctx.out);
        if (!t.ok) {
          // A reason printed on a domain's or service's line is not printed again.
          const printed = !o.json && [...t.authDomains, ...t.services].some((x) => !x.ok && x.message === t.error?.message);
          throw new AppError(
            (t.error?.code as AppError['code'] | undefined) ?? 'openstack.apiError',
            printed ? 'The connection test failed (the reason is above).' : (t.error?.message ?? 'The connection test failed.'),
          );
        }
      } finally {
        await core.close();
      }
    });

  provider
    .command('remove')
    .description('forget a cloud, its passwords and its inventory (its restore points stay in their destinations)')
    .argument('<name>', 'cloud name or id')
    .action(async (name: string) => {
      const core = await ctx.openCore({ runJobs: false });
      try {
        unwrap(await core.api.invoke('providers.remove', { id: name }));
        ctx.out(`Cloud "${name}" removed.\n`);
      } finally {
        await core.close();
      }
    });
}
