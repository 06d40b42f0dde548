import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, SecretsTable, SettingsTable, type Catalog } from '../../catalog';
import { SecretBox } from '../../lib/secret-box';
import { closedPort, selfSignedCertificate, startMailServer, type TestMailServer } from '../../lib/testing/smtp-server';
import { SmtpService } from './smtp.service';

// Against a real SMTP server on 127.0.0.1 (the smtp-server package): AUTH required, STARTTLS
// with a self-signed certificate made by openssl for this run.
const certificate = selfSignedCertificate('mail.backstack.test');
let server: TestMailServer;
let catalog: Catalog;
let secrets: SecretsTable;
let smtp: SmtpService;
beforeAll(async () => {
  server = await startMailServer({ users: { alerts: 's3cret-pass' }, certificate });
});
afterAll(() => server.close());
beforeEach(() => {
  catalog = openCatalog(':memory:');
  secrets = new SecretsTable(catalog.db, new SecretBox(randomBytes(32)));
  smtp = new SmtpService(new SettingsTable(catalog.db, () => undefined), () => secrets, () => new Date(), { timeoutMs: 5000 });
  server.received.length = 0;
});
afterEach(() => catalog.close());

const base = { host: '127.0.0.1', security: 'starttls' as const, user: 'alerts', from: 'backstack@example.org' };
const failure = async (p: Promise<unknown>) => p.then(() => null).catch((e: Error & { code?: string; details?: Record<string, unknown> }) => e);

describe('mail server settings and the test message', () => {
  it('refuses the self-signed certificate naming its subject and how to trust it, then delivers once it is trusted', async () => {
    await smtp.set({ ...base, port: server.port, password: 's3cret-pass' });
    const refused = await failure(smtp.sendTest(['admin@example.org']));
    expect(refused?.code).toBe('tls.untrusted');
    expect(refused?.message).toContain('subject CN=mail.backstack.test, O=Backstack tests, issued by itself (self-signed)');
    const fingerprint = (refused?.details?.certificate as { fingerprint: string }).fingerprint;
    expect(refused?.message).toContain(`--trust-fingerprint ${fingerprint}`);
    expect(server.received).toHaveLength(0);

    const view = await smtp.set({ ...base, port: server.port, trustFingerprint: fingerprint });
    expect(view.trustedCertificate?.subject).toBe('CN=mail.backstack.test, O=Backstack tests');
    expect(view.passwordStored).toBe(true); // kept: no password given this time
    const sent = await smtp.sendTest(['admin@example.org']);
    expect(sent.response).toMatch(/^250/);
    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail).toMatchObject({ from: 'backstack@example.org', to: ['admin@example.org'], user: 'alerts', secure: true, subject: 'Backstack: test message' });
    expect(mail?.text).toContain(`went through 127.0.0.1:${server.port} (STARTTLS, signed in as alerts)`);
    expect(smtp.get()?.lastSent?.to).toEqual(['admin@example.org']);
  });

  it('says to check the user and password when the server refuses them, and keeps that as the last error', async () => {
    const fingerprint = (await failure(smtp.set({ ...base, port: server.port, password: 'x', trustFingerprint: 'AA:'.repeat(31) + 'AA' })))?.message;
    expect(fingerprint).toMatch(/now presents another certificate .* nothing was trusted/);
    await smtp.set({ ...base, port: server.port, password: 'wrong-pass' });
    const pin = ((await failure(smtp.sendTest(['a@example.org'])))?.details?.certificate as { fingerprint: string }).fingerprint;
    await smtp.set({ ...base, port: server.port, trustFingerprint: pin });
    const e = await failure(smtp.sendTest(['a@example.org']));
    expect(e?.code).toBe('auth.failed');
    expect(e?.message).toBe('The mail server refused the user name or password (the server said: 535 Invalid username or password): check the user and the password.');
    expect(e?.message).not.toContain('wrong-pass');
    expect(smtp.get()?.lastError?.message).toBe(e?.message);
    expect(JSON.stringify(smtp.get())).not.toContain('wrong-pass');
  });

  it('says to check the host and port when nothing listens there', async () => {
    const port = await closedPort();
    await smtp.set({ ...base, port, password: 'p' });
    const e = await failure(smtp.sendTest(['a@example.org']));
    expect(e?.code).toBe('network.unreachable');
    expect(e?.message).toBe(`Nothing accepts connections at 127.0.0.1:${port} (connection refused): check the host and the port (STARTTLS usually listens on port 587 (or 25), TLS on port 465).`);
  });

  it('says when the server offers no STARTTLS, and sends without TLS only to a server on this machine', async () => {
    const plain = await startMailServer();
    try {
      await smtp.set({ host: '127.0.0.1', port: plain.port, security: 'starttls', from: 'backstack@example.org' });
      expect((await failure(smtp.sendTest(['a@example.org'])))?.message).toMatch(/^127\.0\.0\.1:\d+ does not offer STARTTLS \(the server said: 500 Error: command not recognized\): choose TLS/);
      await smtp.set({ host: 'localhost', port: plain.port, security: 'none', from: 'backstack@example.org' });
      await smtp.sendTest(['a@example.org']);
      expect(plain.received.map((m) => m.secure)).toEqual([false]);
      expect((await failure(smtp.set({ host: 'mail.example.org', port: 25, security: 'none', from: 'backstack@example.org' })))?.message).toContain(
        'Without TLS the password and the mail would cross the network in clear',
      );
    } finally {
      await plain.close();
    }
  });

  it('speaks TLS from the start (port 465 style), trusting the certificate the same way', async () => {
    const tls = await startMailServer({ secure: true, certificate });
    try {
      await smtp.set({ host: '127.0.0.1', port: tls.port, security: 'tls', from: 'backstack@example.org' });
      const refused = await failure(smtp.sendTest(['a@example.org']));
      const fingerprint = (refused?.details?.certificate as { fingerprint: string }).fingerprint;
      expect(refused?.message).toContain('subject CN=mail.backstack.test');
      await smtp.set({ host: '127.0.0.1', port: tls.port, security: 'tls', from: 'backstack@example.org', trustFingerprint: fingerprint });
      await smtp.sendTest(['a@example.org']);
      expect(tls.received.map((m) => m.secure)).toEqual([true]);
    } finally {
      await tls.close();
    }
  });

  it('asks for the password of a new user, and forgets the stored one when authentication is turned off', async () => {
    expect((await failure(smtp.set({ ...base, port: server.port })))?.message).toBe('Give the password of alerts (it is stored sealed and never shown again).');
    expect((await smtp.set({ ...base, port: server.port, password: 'p' })).passwordStored).toBe(true);
    expect((await smtp.set({ ...base, port: server.port, user: '' })).passwordStored).toBe(false);
    expect(secrets.get('smtp:password')).toBeUndefined();
  });
});
