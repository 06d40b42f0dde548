import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate, startMailServer, type TestMailServer } from '../lib/testing/smtp-server';
import { testCli } from './test-cli';

// `backstack notify smtp|test` against a real SMTP server: AUTH, STARTTLS with a self-signed certificate.
let server: TestMailServer;
let cli: ReturnType<typeof testCli>;
beforeAll(async () => {
  server = await startMailServer({ users: { alerts: 'pa55-word' }, certificate: selfSignedCertificate('mail.backstack.test') });
});
afterAll(() => server.close());
beforeEach(() => (cli = testCli('backstack-cli-notify-')));
afterEach(() => cli.cleanup());

describe('notify commands', () => {
  it('saves the server with the password from standard input, names the certificate to trust, then sends the test', async () => {
    const smtp = ['notify', 'smtp', '--host', '127.0.0.1', '--port', String(server.port), '--security', 'starttls', '--user', 'alerts', '--from', 'backstack@example.org'];
    expect(await cli.run([...smtp, '--password-stdin'], { stdin: 'pa55-word\n' })).toBe(0);
    expect(cli.io.out).toBe(
      `Mail server saved: 127.0.0.1:${server.port}, STARTTLS, signed in as alerts (password stored sealed), from backstack@example.org.\nSend a test with: backstack notify test --to ADDRESS\n`,
    );
    cli.clear();
    expect(await cli.run(['notify', 'test', '--to', 'ops@example.org'])).toBe(1);
    const fingerprint = /--trust-fingerprint ([0-9A-F:]{95})/.exec(cli.io.err)?.[1];
    expect(cli.io.err).toContain("backstack: The mail server's certificate is not trusted (self-signed certificate): subject CN=mail.backstack.test, O=Backstack tests");
    expect(fingerprint).toBeDefined();

    cli.clear();
    expect(await cli.run([...smtp, '--trust-fingerprint', fingerprint!])).toBe(0); // the stored password is kept
    expect(cli.io.out).toContain(`trusts the certificate CN=mail.backstack.test, O=Backstack tests (${fingerprint})`);
    cli.clear();
    expect(await cli.run(['notify', 'test', '--to', 'ops@example.org'])).toBe(0);
    expect(cli.io.out).toMatch(new RegExp(`^Test message sent to ops@example.org through 127.0.0.1:${server.port}; the server said: 250 `));
    expect(server.received.at(-1)).toMatchObject({ to: ['ops@example.org'], user: 'alerts', secure: true, subject: 'Backstack: test message' });
    // the password is in the catalog (and its write-ahead log) only sealed
    const files = fs.readdirSync(cli.home).filter((f) => f.startsWith('catalog.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(path.join(cli.home, f)).includes('pa55-word'), f).toBe(false);
  });

  it('refuses what cannot work before saving anything', async () => {
    expect(await cli.run(['notify', 'smtp', '--host', 'mail.example.org', '--security', 'none', '--from', 'backstack@example.org'])).toBe(3);
    expect(cli.io.err).toContain('Without TLS the password and the mail would cross the network in clear');
    cli.clear();
    expect(await cli.run(['notify', 'smtp', '--host', 'mail.example.org', '--from', 'backstack@example.org', '--password-stdin'])).toBe(2);
    expect(cli.io.err).toContain('--password-stdin goes with --user.');
    cli.clear();
    expect(await cli.run(['notify', 'test', '--to', 'ops@example.org'])).toBe(4);
    expect(cli.io.err).toBe('backstack: No mail server is set up: set one in Settings → Notifications (or backstack notify smtp --host …).\n');
    cli.clear();
    expect(await cli.run(['notify', 'test', '--to', 'not-an-address'])).toBe(3);
    expect(cli.io.err).toContain('Not an e-mail address: not-an-address');
  });
});
