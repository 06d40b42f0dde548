import type { SmtpSecurity } from '../../../shared/domain/notifications';
import { AppError } from '../../../shared/errors/codes';
import { fetchCertificate, pinnedTls } from './certificate';
import { describeMailError, isCertificateProblem, type MailError } from './smtp-errors';

/** Everything needed to send, the password included: lives in memory only while sending. */
export interface MailServer {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  password: string | undefined;
  from: string;
  pin: { fingerprint: string; pem: string } | null;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface MailerOptions {
  /** connection, greeting and each command (default 20 s) */
  timeoutMs?: number;
}

/**
 * Sends one message through the mail server with nodemailer. A failure becomes an AppError
 * that says what to do; for an untrusted certificate it names the certificate (fetched again,
 * unjudged, to show it). Never logs: nodemailer's logger stays off, so AUTH lines go nowhere.
 */
export async function sendMail(server: MailServer, mail: Mail, opts: MailerOptions = {}): Promise<{ response: string }> {
  if (server.user && !server.password) throw new AppError('auth.failed', `No password is stored for ${server.user}: give it in Settings → Notifications (or backstack notify smtp … --password-stdin).`);
  const timeout = opts.timeoutMs ?? 20_000;
  // Loaded when a message goes out: the CLI's other commands never pay for it.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    ...(server.user ? { auth: { user: server.user, pass: server.password ?? '' } } : {}),
    tls: { ...pinnedTls(server.pin), ...(isIpAddress(server.host) ? {} : { servername: server.host }) },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
    debug: false,
  });
  try {
    const info = await transport.sendMail({ from: { name: 'Backstack', address: server.from }, to: mail.to, subject: mail.subject, text: mail.text });
    return { response: String(info.response ?? '') };
  } catch (e) {
    const err = e as MailError;
    const endpoint = { host: server.host, port: server.port, security: server.security };
    const certificate =
      isCertificateProblem(err) && server.security !== 'none' ? await fetchCertificate(server.host, server.port, server.security, timeout).catch(() => null) : null;
    throw describeMailError(err, endpoint, certificate, server.pin?.fingerprint ?? null);
  } finally {
    transport.close();
  }
}

const isIpAddress = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
