import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A message as the test server received it, decoded enough for tests to read. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** the authenticated user, if any */
  user: string | null;
  /** the connection had been upgraded to TLS when the message came */
  secure: boolean;
  subject: string;
  text: string;
  raw: string;
}

export interface TestMailServer {
  port: number;
  received: ReceivedMail[];
  /** the certificate it presents (STARTTLS) */
  certificatePem: string;
  close(): Promise<void>;
}

/** A self-signed certificate for `name`, made with the openssl command. */
export function selfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', `/CN=${name}/O=Backstack tests`, '-days', '2', '-addext', `subjectAltName=DNS:${name}`],
      { cwd: dir, stdio: 'ignore' },
    );
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const decodeWords = (s: string) =>
  s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, t: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(t, 'base64').toString('utf8') : Buffer.from(t.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );

/** Subject and text of a single-part message (what the notifier sends), decoded. */
export function parseMail(raw: string): { subject: string; text: string; headers: Record<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(split + 4);
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (cte === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  if (cte === 'quoted-printable')
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return { subject: decodeWords(headers.subject ?? ''), text: body.replace(/\r\n/g, '\n'), headers };
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) for tests: with `users`, AUTH PLAIN/LOGIN is
 * required; with `certificate`, STARTTLS is offered with it (else no STARTTLS).
 */
export async function startMailServer(opts: { users?: Record<string, string>; certificate?: { key: string; cert: string }; secure?: boolean } = {}): Promise<TestMailServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: opts.secure ?? false,
    ...(opts.certificate ? { key: opts.certificate.key, cert: opts.certificate.cert } : { disabledCommands: ['STARTTLS'] }),
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !opts.users,
    allowInsecureAuth: !opts.certificate,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.users && opts.users[auth.username ?? ''] === auth.password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { subject, text } = parseMail(raw);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          secure: session.secure,
          subject,
          text,
          raw,
        });
        cb();
      });
    },
  });
  // A client that refuses the certificate drops the connection mid-handshake: expected here, not a crash.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    certificatePem: opts.certificate?.cert ?? '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 where nothing listens (taken and released). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
