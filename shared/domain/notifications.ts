import { z } from 'zod';
import { previousRunsOf, type ScheduleForm } from './schedule-forms';

/**
 * Notifications: what a policy reports (failures, successes, RPO breaches, a destination nearly
 * full, an unusual change rate) and where (the desktop, e-mail), and the mail server's settings.
 * Shared by the core, the renderer and the CLI.
 */

export const EmailAddress = z.string().trim().max(254).pipe(z.email({ error: (i) => `Not an e-mail address: ${String(i.input)}` }));

/** A policy's notification rules; every policy has them (older policies get the defaults). */
export const NotificationRules = z
  .object({
    /** a backup of a member failed, was interrupted, or was not started because its start window closed */
    failure: z.boolean().default(true),
    /** a backup of a member succeeded (with or without warnings) */
    success: z.boolean().default(false),
    /** a member's newest restore point is older than two of its schedules' runs */
    rpoBreached: z.boolean().default(true),
    /** after a backup, the destination's file system is at least this full (percent); null: not watched */
    destinationFullPercent: z.number().int().min(50).max(99).nullable().default(90),
    /** an incremental wrote at least this many times the median of the instance's earlier incrementals; null: not watched */
    unusualChangeFactor: z.number().min(2).max(100).nullable().default(4),
    desktop: z.boolean().default(true),
    emails: z.array(EmailAddress).max(20).default([]),
  })
  .strict();
export type NotificationRules = z.infer<typeof NotificationRules>;
export type NotificationRulesInput = z.input<typeof NotificationRules>;
export const DEFAULT_NOTIFICATION_RULES: NotificationRules = NotificationRules.parse({});

/** The unusual-change factor of a backup that belongs to no policy (its job log still warns). */
export const DEFAULT_UNUSUAL_CHANGE_FACTOR = 4;
/** An incremental that wrote less than this is never unusual, whatever its factor (an idle instance's tiny ones vary a lot). */
export const UNUSUAL_CHANGE_MIN_BYTES = 64 * 1024 * 1024;
/** A member is in breach of its RPO once this many scheduled runs have come due since its newest restore point. */
export const RPO_MISSED_RUNS = 2;

/**
 * The time an instance's newest restore point (or, without one, the time it joined the policy)
 * must not be older than: the RPO_MISSED_RUNS-th latest run of the policy's schedules due by
 * `now`. Counting due runs rather than hours handles irregular schedules (weekdays only, a
 * weekly full); one missed run is not a breach yet, as its backup may still be running.
 * Null: the schedules have not run that often yet.
 */
export function rpoCutoff(schedules: readonly (ScheduleForm & { timeZone: string })[], now: Date): Date | null {
  const due = schedules.flatMap((s) => previousRunsOf(s, now, RPO_MISSED_RUNS)).sort((a, b) => b.getTime() - a.getTime());
  return due[RPO_MISSED_RUNS - 1] ?? null;
}

const isLocalHost = (h: string) => ['localhost', '127.0.0.1', '::1', '[::1]'].includes(h.toLowerCase());
const Fingerprint = z
  .string()
  .trim()
  .transform((s) => s.replace(/^SHA256:/i, '').toUpperCase())
  .pipe(z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint such as 4F:1A:…:9C (32 pairs of hex digits)'));

export const SmtpSecurity = z.enum(['starttls', 'tls', 'none']);
export type SmtpSecurity = z.infer<typeof SmtpSecurity>;

/** The mail server, as an admin gives it. The password goes in and never comes back out. */
export const SmtpInput = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address'),
    port: z.number().int().min(1).max(65535),
    /** starttls: plain connection upgraded (port 587, 25); tls: TLS from the start (port 465); none: localhost only */
    security: SmtpSecurity,
    /** empty: no authentication (and any stored password is forgotten) */
    user: z.string().trim().max(255).default(''),
    /** absent: keep the stored password */
    password: z.string().min(1).max(1024).optional(),
    from: EmailAddress,
    /** trust this certificate of the server (shown when it is not trusted), by its SHA-256 fingerprint */
    trustFingerprint: Fingerprint.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.security === 'none' && !isLocalHost(v.host))
      ctx.addIssue({ code: 'custom', path: ['security'], message: 'Without TLS the password and the mail would cross the network in clear: choose STARTTLS or TLS (only a server on this machine, localhost, may go without).' });
  });
export type SmtpInput = z.input<typeof SmtpInput>;
export type SmtpSettingsParsed = z.output<typeof SmtpInput>;

export const TrustedCertificate = z.object({ fingerprint: z.string(), subject: z.string(), validTo: z.string() });
export type TrustedCertificate = z.infer<typeof TrustedCertificate>;

/** The mail server's settings as the renderer and the CLI see them: never the password. */
export const SmtpView = z.object({
  host: z.string(),
  port: z.number().int(),
  security: SmtpSecurity,
  user: z.string(),
  passwordStored: z.boolean(),
  from: z.string(),
  trustedCertificate: TrustedCertificate.nullable(),
  /** the last e-mail that went out, and the last that did not (with why) */
  lastSent: z.object({ at: z.string(), to: z.array(z.string()) }).nullable(),
  lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
});
export type SmtpView = z.infer<typeof SmtpView>;

export const NotificationKind = z.enum(['failure', 'success', 'rpoBreached', 'destinationFull', 'unusualChange', 'delivery', 'test']);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** A desktop notification: the desktop app shows it with the system's notifications, console mode with the browser's. */
export const PostedNotification = z.object({
  title: z.string(),
  body: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  /** what it reports: the renderer leaves job ends it already shows itself to its own toasts */
  kinds: z.array(NotificationKind),
});
export type PostedNotification = z.infer<typeof PostedNotification>;
