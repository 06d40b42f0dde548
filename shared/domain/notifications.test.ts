import { describe, expect, it } from 'vitest';
import { NotificationRules, rpoCutoff, SmtpInput } from './notifications';
import { PolicySpec } from './policies';

describe('notification rules', () => {
  it('give policies saved before notifications existed the defaults, and name a bad e-mail address at its field', () => {
    const old = PolicySpec.parse({ name: 'gold', destination: 'local' });
    expect(old.notifications).toEqual({ failure: true, success: false, rpoBreached: true, destinationFullPercent: 90, unusualChangeFactor: 4, desktop: true, emails: [] });
    const bad = NotificationRules.safeParse({ emails: ['ops@example.org', 'ops at example.org'] });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['emails.1', 'Not an e-mail address: ops at example.org']]);
  });

  it('allow no TLS only for a mail server on this machine, and read a fingerprint as openssl or Backstack prints it', () => {
    const base = { port: 25, from: 'backstack@example.org' };
    expect(SmtpInput.safeParse({ ...base, host: 'localhost', security: 'none' }).success).toBe(true);
    expect(SmtpInput.safeParse({ ...base, host: 'mail.example.org', security: 'none' }).error?.issues[0]?.path).toEqual(['security']);
    const hex = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16)).join(':');
    expect(SmtpInput.parse({ ...base, host: 'mail.example.org', security: 'starttls', trustFingerprint: `sha256:${hex}` }).trustFingerprint).toBe(hex.toUpperCase());
  });
});

describe('RPO cutoff', () => {
  const weekdays = [{ form: 'weekly' as const, at: '01:00', days: [1, 2, 3, 4, 5], timeZone: 'UTC' }];
  it('counts due runs, not hours: a weekday schedule is not breached over the weekend', () => {
    const friday = new Date('2026-05-08T01:10:00Z'); // the newest restore point
    const breached = (iso: string) => friday < (rpoCutoff(weekdays, new Date(iso)) as Date);
    expect(breached('2026-05-10T23:00:00Z')).toBe(false); // Sunday: nothing was due since Friday
    expect(breached('2026-05-11T09:00:00Z')).toBe(false); // Monday: one run missed (it may still be running)
    expect(breached('2026-05-12T01:00:00Z')).toBe(true); // Tuesday 01:00: Monday's and Tuesday's
    expect(rpoCutoff(weekdays, new Date('2026-05-12T01:00:00Z'))?.toISOString()).toBe('2026-05-11T01:00:00.000Z');
    expect(rpoCutoff([], new Date())).toBeNull();
  });
});
