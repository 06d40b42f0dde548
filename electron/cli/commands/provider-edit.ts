import { Option, type Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { AuthDomainInput, EndpointInterface, ProviderInput } from '../../../shared/domain/providers';
import type { ProviderDraft } from '../../../shared/providers/import';
import { withCore, type CliContext } from '../context';
import { printJson, unwrap, UsageError } from '../output';
import { readStdin } from '../read-input';
import { firstUseFingerprint, readCloudFile, STRATEGY_CHOICES, strategyHelp, strategyOf, type CloudFileOpts } from './provider-input';

interface EditOpts extends CloudFileOpts {
  name?: string;
  authUrl?: string;
  interface?: EndpointInterface;
  region?: string;
  caFile?: string;
  trustCertificate?: boolean;
  acceptCertificate?: string;
  scoped?: boolean;
  domain?: string;
  strategy?: (typeof STRATEGY_CHOICES)[number];
  passwordStdin?: boolean;
  json?: boolean;
}

/** The authentication domain a file's credentials or --password-stdin apply to: --domain, else the only one. */
function targetDomain(domains: readonly AuthDomainInput[], named: string | undefined, cloud: string): number {
  const names = domains.map((d) => d.name).join(', ');
  if (named !== undefined) {
    const i = domains.findIndex((d) => d.name === named);
    if (i < 0) throw new AppError('resource.notFound', `The cloud "${cloud}" has no authentication domain ${named} (it has ${names}).`);
    return i;
  }
  if (domains.length === 1) return 0;
  throw new UsageError(`The cloud "${cloud}" has ${domains.length} authentication domains (${names}): name the one to change with --domain NAME.`);
}

/** The saved cloud with what the file and the options change; a domain given no secret keeps its stored one. */
export function applyEdit(
  saved: ProviderInput,
  o: EditOpts,
  draft: ProviderDraft | null,
  password: string | undefined,
  cloud: string,
): ProviderInput {
  const out: ProviderInput = { ...saved, authDomains: saved.authDomains.map((d) => ({ ...d })) };
  if (draft) {
    if (draft.authUrl) out.authUrl = draft.authUrl;
    if (draft.region) out.region = draft.region;
    if (draft.endpointInterface) out.endpointInterface = draft.endpointInterface;
    if (draft.caFile) out.caFile = draft.caFile;
  }
  if (o.name !== undefined) out.name = o.name;
  if (o.authUrl !== undefined) out.authUrl = o.authUrl;
  if (o.region !== undefined) out.region = o.region;
  if (o.interface !== undefined) out.endpointInterface = o.interface;
  if (o.caFile !== undefined) out.caFile = o.caFile;
  if (o.scoped !== undefined) out.scoped = o.scoped;
  if (o.strategy !== undefined) out.strategy = strategyOf(o.strategy);
  if (o.trustCertificate !== undefined) out.trustCertificates = o.trustCertificate;
  if (o.acceptCertificate !== undefined) out.trustCertificates = true;
  if (draft || password !== undefined || o.domain !== undefined) {
    const i = targetDomain(out.authDomains, o.domain, cloud);
    const old = out.authDomains[i]!;
    const fromFile = draft?.authDomain ?? {};
    // The file names the user; its secret (or the one piped in) replaces the stored one.
    const secret = password ?? fromFile.password;
    out.authDomains[i] = {
      ...old,
      ...Object.fromEntries(Object.entries(fromFile).filter(([k, v]) => v !== undefined && k !== 'password' && k !== 'applicationCredential')),
      id: old.id,
      ...(secret !== undefined
        ? { password: secret }
        : fromFile.applicationCredential
          ? { applicationCredential: fromFile.applicationCredential }
          : {}),
    } as AuthDomainInput;
  }
  return out;
}

export function registerEdit(provider: Command, ctx: CliContext): void {
  provider
    .command('edit')
    .description(
      'change a saved cloud (tested before it is saved); it keeps its inventory and restore points, and its stored passwords unless new ones are given',
    )
    .argument('<cloud>', 'cloud name or id')
    .option('--name <name>', 'a new name for the cloud')
    .option('--openrc <file>', 'take the Keystone URL, region, interface, CA file and credentials from an OpenStack RC file')
    .option('--cloud <name>', 'the same from an entry of clouds.yaml')
    .option('--clouds-yaml <file>', 'the clouds.yaml file (default: where openstacksdk looks)')
    .option('--auth-url <url>', 'the Keystone URL (a new host needs its passwords again)')
    .addOption(new Option('--interface <type>', 'endpoint interface').choices(['public', 'internal', 'admin']))
    .option('--region <region>', 'region')
    .option('--ca-file <file>', "a PEM file with the CA that signed the cloud's certificates")
    .option('--trust-certificate', 'trust (pin) a self-signed certificate on first use; a later change is refused')
    .option('--no-trust-certificate', 'trust only certificates a CA vouches for (drops the pinned one)')
    .option('--accept-certificate <sha256>', 'trust this certificate (its SHA-256 fingerprint), e.g. after a renewal changed the pinned one')
    .option('--scoped', 'domain-scoped authorization: only the authentication domains are scanned')
    .option('--no-scoped', 'unscoped authorization: one authentication domain reaches every domain')
    .addOption(new Option('--strategy <name>', strategyHelp).choices(STRATEGY_CHOICES))
    .option('--domain <name>', 'the authentication domain the file or --password-stdin changes (default: the only one)')
    .option('--password-stdin', 'read a new password from standard input')
    .option('--json', 'print JSON')
    .action(async (name: string, o: EditOpts) => {
      const draft = await readCloudFile(o, ctx.env);
      const password = o.passwordStdin ? await readStdin(ctx.stdin) : undefined;
      await withCore(ctx, { runJobs: false }, async (core) => {
        const p = unwrap(await core.api.invoke('providers.list', {})).items.find((x) => x.id === name || x.name === name);
        if (!p) throw new AppError('resource.notFound', `No cloud named or with id "${name}". List them with: backstack provider list`);
        const { savedAsEdit } = await import('../../../shared/domain/providers');
        const input = applyEdit(savedAsEdit(p), o, draft, password, p.name);
        const accept = o.acceptCertificate ?? (o.trustCertificate ? await firstUseFingerprint(core, input, p.id, ctx.err) : undefined);
        const saved = unwrap(
          await core.api.invoke('providers.update', { id: p.id, provider: input, ...(accept ? { acceptFingerprint: accept } : {}) }),
        );
        if (o.json) return printJson(saved, ctx.out);
        const pin = saved.pinnedCertificate ? `; pinned certificate SHA-256 ${saved.pinnedCertificate.fingerprint256}` : '';
        ctx.out(
          `Cloud "${saved.name}" saved: ${saved.authUrl}, region ${saved.region}, ${saved.endpointInterface} endpoints${pin}. Its inventory and restore points stay attached.\n`,
        );
      });
    });
}
