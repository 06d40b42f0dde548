import { Option, type Command } from 'commander';
import { withCore, type CliContext } from '../context';
import { printJson, unwrap, UsageError, wholeNumber } from '../output';
import { readStdin } from '../read-input';

type Security = 'starttls' | 'tls' | 'none';
interface SmtpOptions {
  host: string;
  port?: number;
  security: Security;
  user?: string;
  passwordStdin?: boolean;
  from: string;
  trustFingerprint?: string;
  json?: boolean;
}

const DEFAULT_PORT: Record<Security, number> = { starttls: 587, tls: 465, none: 25 };
const SECURITY_WORDS: Record<Security, string> = { starttls: 'STARTTLS', tls: 'TLS', none: 'no TLS' };

/** `backstack notify`: the mail server policies' notifications go through, and a test message. */
export function register(program: Command, ctx: CliContext): void {
  const notify = program.command('notify').description("e-mail for policies' notifications: the mail server (SMTP) and a test message");
  notify
    .command('smtp')
    .description('set the mail server; the password is read from standard input and stored sealed')
    .requiredOption('--host <host>', 'mail server host name or address')
    .option('--port <port>', 'port (default: 587 with starttls, 465 with tls, 25 with none)', wholeNumber('--port'))
    .addOption(new Option('--security <mode>', 'starttls (upgrade a plain connection), tls (TLS from the start), none (only for a server on this machine)').choices(['starttls', 'tls', 'none']).default('starttls'))
    .option('--user <user>', 'sign in as this user (leave out for a server that needs no sign-in)')
    .option('--password-stdin', "read the user's password from standard input (never from the command line); without it a stored password is kept")
    .requiredOption('--from <address>', 'the sender address of notifications')
    .option('--trust-fingerprint <sha256>', "trust the server's certificate with this SHA-256 fingerprint (as a refused test names it)")
    .option('--json', 'print JSON')
    .action(async (o: SmtpOptions) => {
      if (o.passwordStdin && !o.user) throw new UsageError('--password-stdin goes with --user.');
      const password = o.passwordStdin ? await readStdin(ctx.stdin) : undefined;
      await withCore(ctx, { runJobs: false }, async (core) => {
        const v = unwrap(
          await core.api.invoke('notifications.setSmtp', {
            host: o.host,
            port: o.port ?? DEFAULT_PORT[o.security],
            security: o.security,
            user: o.user ?? '',
            ...(password ? { password } : {}),
            from: o.from,
            ...(o.trustFingerprint ? { trustFingerprint: o.trustFingerprint } : {}),
          }),
        );
        if (o.json) return printJson(v, ctx.out);
        const auth = v.user ? `signed in as ${v.user} (password ${v.passwordStored ? 'stored sealed' : 'missing'})` : 'no sign-in';
        const trust = v.trustedCertificate ? `; trusts the certificate ${v.trustedCertificate.subject} (${v.trustedCertificate.fingerprint})` : '';
        ctx.out(`Mail server saved: ${v.host}:${v.port}, ${SECURITY_WORDS[v.security]}, ${auth}, from ${v.from}${trust}.\nSend a test with: backstack notify test --to ADDRESS\n`);
      });
    });

  notify
    .command('test')
    .description('send a test message through the saved mail server; a refusal says what to change')
    .requiredOption('--to <address...>', 'recipient address(es)')
    .option('--json', 'print JSON')
    .action(async (o: { to: string[]; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('notifications.sendTest', { to: o.to }));
        if (o.json) return printJson(r, ctx.out);
        const smtp = unwrap(await core.api.invoke('notifications.getSmtp', {})).smtp;
        ctx.out(`Test message sent to ${r.to.join(', ')}${smtp ? ` through ${smtp.host}:${smtp.port}` : ''}; the server said: ${r.response}\n`);
      });
    });
}
