import { AppError } from '../../../shared/errors/codes';
import type { SmtpSecurity } from '../../../shared/domain/notifications';
import type { ServerCertificate } from './certificate';

/** What nodemailer's errors carry besides their message. */
export interface MailError {
  message: string;
  code?: string;
  /** the socket's or TLS's own code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT …) */
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

export interface Endpoint {
  host: string;
  port: number;
  security: SmtpSecurity;
}

/** OpenSSL's and Node's codes for a certificate that was read but is not trusted. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export const isCertificateProblem = (e: MailError): boolean => CERTIFICATE_CODES.has(e.originalCode ?? '') || CERTIFICATE_CODES.has(e.code ?? '');

const where = (ep: Endpoint) => `${ep.host}:${ep.port}`;
const portHint = 'STARTTLS usually listens on port 587 (or 25), TLS on port 465';

/**
 * A mail server's refusal as one sentence that says what to do. `certificate` is what the
 * server presented, when the failure was that it is not trusted (the caller fetches it).
 */
export function describeMailError(e: MailError, ep: Endpoint, certificate?: ServerCertificate | null, pinned?: string | null): AppError {
  const code = e.originalCode ?? e.code ?? '';
  const reply = e.response ? ` (the server said: ${e.response.trim()})` : '';
  if (isCertificateProblem(e)) {
    if (!certificate) return new AppError('tls.untrusted', `The certificate of ${where(ep)} is not trusted (${e.message}). Install the authority that issued it in this computer's trusted certificates.`);
    const what = `subject ${certificate.subject}, issued by ${certificate.selfSigned ? 'itself (self-signed)' : certificate.issuer}, SHA-256 fingerprint ${certificate.fingerprint}, valid until ${certificate.validTo.slice(0, 10)}`;
    const changed = pinned && pinned !== certificate.fingerprint ? ` It is not the certificate trusted before (${pinned}): if the server's certificate was not renewed on purpose, do not trust it.` : '';
    return new AppError(
      pinned && pinned !== certificate.fingerprint ? 'tls.certificateChanged' : 'tls.untrusted',
      `The mail server's certificate is not trusted (${e.message}): ${what}.${changed} If this is your mail server's certificate, trust it ("Trust this certificate" in Settings → Notifications, or backstack notify smtp … --trust-fingerprint ${certificate.fingerprint}); otherwise install the authority that issued it in this computer's trusted certificates.`,
      { details: { certificate: { subject: certificate.subject, issuer: certificate.issuer, fingerprint: certificate.fingerprint, validTo: certificate.validTo, selfSigned: certificate.selfSigned } } },
    );
  }
  if (code === 'ECONNREFUSED') return new AppError('network.unreachable', `Nothing accepts connections at ${where(ep)} (connection refused): check the host and the port (${portHint}).`, { retryable: true });
  if (e.code === 'EDNS' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('network.unreachable', `The host name ${ep.host} is not known (${e.message}): check the host.`, { retryable: true });
  if (e.code === 'ETIMEDOUT' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new AppError('network.unreachable', `${where(ep)} did not answer (${e.message}): check the host and the port, and that a firewall lets the port through.`, { retryable: true });
  if (e.code === 'EAUTH') return new AppError('auth.failed', `The mail server refused the user name or password${reply}: check the user and the password.`);
  if (e.code === 'ENOAUTH' || e.responseCode === 530) return new AppError('auth.failed', `The mail server wants a user name and password before it sends${reply}: give them.`);
  if (e.code === 'ETLS' && e.command === 'STARTTLS') return new AppError('unsupported', `${where(ep)} does not offer STARTTLS${reply}: choose TLS if it is the TLS port (465), or check the port (${portHint}).`);
  if (/wrong version number|packet length too long|unknown protocol/i.test(e.message))
    return new AppError('unsupported', `${where(ep)} does not speak TLS from the start (${ep.security === 'tls' ? 'it may be a STARTTLS port' : 'TLS mismatch'}): choose STARTTLS, or check the port (${portHint}).`);
  if (e.code === 'EENVELOPE' || (e.command === 'RCPT TO' && e.responseCode))
    return new AppError('validation.invalidInput', `The mail server refused a recipient${reply}: check the address, and that the server may relay to it.`);
  if (e.command === 'MAIL FROM') return new AppError('validation.invalidInput', `The mail server refused the sender address${reply}: use a From address this account may send as.`);
  if (e.code === 'ECONNECTION' || code === 'ECONNRESET' || e.code === 'ESOCKET')
    return new AppError('network.unreachable', `The connection to ${where(ep)} failed (${e.message}): check the host, the port and the security (${portHint}).`, { retryable: true });
  return new AppError('internal', `The mail server did not take the message (${e.message})${reply}.`);
}
