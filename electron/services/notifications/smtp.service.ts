import { z } from 'zod';
import { SmtpInput, SmtpSecurity, type SmtpView } from '../../../shared/domain/notifications';
import { AppError } from '../../../shared/errors/codes';
import type { SecretsTable, SettingsTable } from '../../catalog';
import { fetchCertificate } from './certificate';
import { sendMail, type Mail, type MailerOptions, type MailServer } from './mailer';

const SETTINGS_KEY = 'notifications.smtp';
const STATUS_KEY = 'notifications.smtpStatus';
const SECRET_ID = 'smtp:password';

const Stored = z.object({
  host: z.string(),
  port: z.number().int(),
  security: SmtpSecurity,
  user: z.string(),
  from: z.string(),
  trusted: z.object({ fingerprint: z.string(), subject: z.string(), validTo: z.string(), pem: z.string() }).nullable(),
});
type Stored = z.infer<typeof Stored>;
const Status = z.object({
  lastSent: z.object({ at: z.string(), to: z.array(z.string()) }).nullable(),
  lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
});
type Status = z.infer<typeof Status>;

/**
 * The mail server notifications go through: its settings beside the app's settings, its
 * password sealed like every other secret (never returned, never logged), what was sent last
 * and what failed last (shown in Settings → Notifications).
 */
export class SmtpService {
  constructor(
    private readonly settings: SettingsTable,
    private readonly secrets: () => SecretsTable,
    private readonly now: () => Date = () => new Date(),
    private readonly mailer: MailerOptions = {},
  ) {}

  get(): SmtpView | null {
    const s = this.stored();
    if (!s) return null;
    const status = this.status();
    const { trusted, ...rest } = s;
    return {
      ...rest,
      passwordStored: Boolean(s.user) && this.secrets().get(SECRET_ID) !== undefined,
      trustedCertificate: trusted && { fingerprint: trusted.fingerprint, subject: trusted.subject, validTo: trusted.validTo },
      lastSent: status.lastSent,
      lastError: status.lastError,
    };
  }

  /**
   * Saves the mail server. A password given replaces the stored one; none keeps it; no user
   * forgets it. Trusting a certificate fetches it from the server and pins it only if it is the
   * one the admin saw (same fingerprint). Another host or port forgets a pinned certificate.
   */
  async set(input: SmtpInput): Promise<SmtpView> {
    const v = SmtpInput.parse(input);
    const before = this.stored();
    const sameServer = before && before.host === v.host && before.port === v.port;
    let trusted = sameServer ? before.trusted : null;
    if (v.trustFingerprint) {
      if (v.security === 'none') throw new AppError('validation.invalidInput', 'Without TLS there is no certificate to trust: choose STARTTLS or TLS.');
      const cert = await fetchCertificate(v.host, v.port, v.security).catch((e: Error) => {
        throw new AppError('network.unreachable', `The certificate of ${v.host}:${v.port} could not be read (${e.message}): check the host, the port and the security.`);
      });
      if (cert.fingerprint !== v.trustFingerprint)
        throw new AppError('tls.certificateChanged', `${v.host}:${v.port} now presents another certificate (SHA-256 ${cert.fingerprint}, subject ${cert.subject}) than the one to trust (${v.trustFingerprint}): nothing was trusted. Check which server answers.`);
      trusted = { fingerprint: cert.fingerprint, subject: cert.subject, validTo: cert.validTo, pem: cert.pem };
    }
    if (v.user && !v.password && !(before?.user === v.user && this.secrets().get(SECRET_ID) !== undefined))
      throw new AppError('validation.invalidInput', `Give the password of ${v.user} (it is stored sealed and never shown again).`);
    if (!v.user) this.secrets().delete(SECRET_ID);
    else if (v.password) this.secrets().put(SECRET_ID, v.password);
    const stored: Stored = { host: v.host, port: v.port, security: v.security, user: v.user, from: v.from, trusted };
    this.settings.writeValue(SETTINGS_KEY, stored);
    return this.get() as SmtpView;
  }

  /** Sends a test message with the saved settings; a failure says what to do (and is remembered as the last error). */
  async sendTest(to: string[]): Promise<{ to: string[]; response: string }> {
    const s = this.stored();
    const r = await this.send({
      to,
      subject: 'Backstack: test message',
      text: [
        'This is a test message from Backstack.',
        '',
        s ? `It went through ${s.host}:${s.port} (${s.security === 'none' ? 'no TLS' : s.security.toUpperCase()}${s.user ? `, signed in as ${s.user}` : ''}).` : '',
        'Policies whose notification rules name this address send their reports here.',
      ].join('\n'),
    });
    return { to, response: r.response };
  }

  /** Sends through the saved server; records the outcome for Settings. Throws a clear AppError. */
  async send(mail: Mail): Promise<{ response: string }> {
    const s = this.stored();
    if (!s) throw new AppError('resource.notFound', 'No mail server is set up: set one in Settings → Notifications (or backstack notify smtp --host …).');
    const server: MailServer = {
      host: s.host,
      port: s.port,
      security: s.security,
      user: s.user,
      password: s.user ? this.secrets().get(SECRET_ID) : undefined,
      from: s.from,
      pin: s.trusted,
    };
    const at = this.now().toISOString();
    try {
      const r = await sendMail(server, mail, this.mailer);
      this.settings.writeValue(STATUS_KEY, { ...this.status(), lastSent: { at, to: mail.to } });
      return r;
    } catch (e) {
      this.noteError((e as Error).message);
      throw e;
    }
  }

  /** Remembers why e-mail was not sent (shown in Settings → Notifications). */
  noteError(message: string): void {
    this.settings.writeValue(STATUS_KEY, { ...this.status(), lastError: { at: this.now().toISOString(), message } });
  }

  get configured(): boolean {
    return this.stored() !== null;
  }

  private stored(): Stored | null {
    return this.settings.readValue(SETTINGS_KEY, Stored);
  }

  private status(): Status {
    return this.settings.readValue(STATUS_KEY, Status) ?? { lastSent: null, lastError: null };
  }
}
