import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { SmtpSecurity } from '../../../shared/domain/notifications';

/** The certificate a mail server presents, as people check it (and as Backstack pins it). */
export interface ServerCertificate {
  subject: string;
  issuer: string;
  /** SHA-256, as 32 colon-separated hex pairs */
  fingerprint: string;
  validTo: string;
  selfSigned: boolean;
  pem: string;
}

/** "CN=mail.example.org, O=Example": node's one-name-a-line form on one line. */
const oneLine = (dn: string): string => dn.split('\n').join(', ');

export function describeCertificate(c: tls.PeerCertificate): ServerCertificate {
  // The DER parsed by node's X509Certificate gives the names as text, in the certificate's order.
  const x509 = new X509Certificate(c.raw);
  const subject = oneLine(x509.subject);
  const issuer = oneLine(x509.issuer);
  const body = c.raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    subject,
    issuer,
    fingerprint: c.fingerprint256,
    validTo: new Date(c.valid_to).toISOString(),
    selfSigned: subject === issuer,
    pem: `-----BEGIN CERTIFICATE-----\n${body.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}

/**
 * Reads the next SMTP reply (all its lines, "250-…" up to "250 …") from a plain socket; the
 * probe needs only greeting, EHLO and STARTTLS.
 */
function reply(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (e?: Error) => {
      socket.off('data', onData);
      socket.off('error', done);
      socket.off('close', onClose);
      if (e) reject(e);
      else resolve(text);
    };
    const onData = (b: Buffer) => {
      text += b.toString('latin1');
      const lines = text.split('\r\n').filter(Boolean);
      const last = lines.at(-1);
      if (text.endsWith('\r\n') && last && /^\d{3} /.test(last)) done();
    };
    const onClose = () => done(new Error('the server closed the connection'));
    socket.on('data', onData);
    socket.once('error', done);
    socket.once('close', onClose);
  });
}

/**
 * Fetches the certificate the server presents, without judging it: what a "not trusted" message
 * shows, and what "trust this certificate" pins. STARTTLS is spoken just far enough to get it.
 */
export async function fetchCertificate(host: string, port: number, security: Exclude<SmtpSecurity, 'none'>, timeoutMs = 10_000): Promise<ServerCertificate> {
  const servername = net.isIP(host) ? undefined : host;
  let plain: net.Socket | undefined;
  if (security === 'starttls') {
    plain = net.connect({ host, port });
    plain.setTimeout(timeoutMs, () => plain?.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    try {
      await reply(plain);
      plain.write('EHLO backstack\r\n');
      await reply(plain);
      plain.write('STARTTLS\r\n');
      const answer = await reply(plain);
      if (!answer.startsWith('220')) throw new Error(`the server refused STARTTLS: ${answer.trim()}`);
    } catch (e) {
      plain.destroy();
      throw e;
    }
  }
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...(plain ? { socket: plain } : { host, port }), ...(servername ? { servername } : {}), rejectUnauthorized: false });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs / 1000} s`)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      if (!cert.raw) reject(new Error('the server presented no certificate'));
      else resolve(describeCertificate(cert));
    });
    socket.once('error', reject);
  });
}

/**
 * TLS options that trust, besides the system's authorities, the one certificate an admin
 * pinned: its chain is accepted from it (a self-signed or privately issued server), and its
 * name need not match the host (the fingerprint is what was checked).
 */
export function pinnedTls(pin: { fingerprint: string; pem: string } | null): tls.ConnectionOptions {
  if (!pin) return {};
  return {
    ca: [...tls.rootCertificates, pin.pem],
    allowPartialTrustChain: true,
    checkServerIdentity: (host, cert) => (cert.fingerprint256 === pin.fingerprint ? undefined : tls.checkServerIdentity(host, cert)),
  } as tls.ConnectionOptions;
}
