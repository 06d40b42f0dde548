import os from 'node:os';
import type { NotificationKind, PostedNotification } from '../../../shared/domain/notifications';
import type { Mail } from './mailer';

/** One thing a policy's rules report, with where its rules send it. */
export interface NotificationEvent {
  kind: Exclude<NotificationKind, 'delivery' | 'test'>;
  level: PostedNotification['level'];
  /** one line: "Backup of web-1 (lab) failed" */
  title: string;
  /** what happened and what to do, one sentence a line; the first is the desktop notification's text */
  lines: string[];
  policyName: string;
  desktop: boolean;
  emails: string[];
}

const WORDS: Record<NotificationEvent['kind'], [string, string]> = {
  failure: ['backup failed', 'backups failed'],
  success: ['backup succeeded', 'backups succeeded'],
  rpoBreached: ['RPO breached', 'RPOs breached'],
  destinationFull: ['destination nearly full', 'destinations nearly full'],
  unusualChange: ['unusual change rate', 'unusual change rates'],
};
const ORDER = Object.keys(WORDS) as NotificationEvent['kind'][];

/** "3 backups failed, 1 RPO breached": a batch in a few words, worst first. */
export function summarize(events: readonly NotificationEvent[]): string {
  return ORDER.map((k) => [k, events.filter((e) => e.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${WORDS[k][n === 1 ? 0 : 1]}`)
    .join(', ');
}

const worst = (events: readonly NotificationEvent[]): PostedNotification['level'] =>
  events.some((e) => e.level === 'error') ? 'error' : events.some((e) => e.level === 'warning') ? 'warning' : 'info';

/** One desktop notification for a batch (of the events whose policies want them), or null. */
export function desktopNotification(events: readonly NotificationEvent[]): PostedNotification | null {
  const shown = events.filter((e) => e.desktop);
  const [first] = shown;
  if (!first) return null;
  const kinds = [...new Set(shown.map((e) => e.kind))];
  if (shown.length === 1) return { title: first.title, body: first.lines[0] ?? '', level: first.level, kinds };
  const listed = shown.slice(0, 4).map((e) => e.title);
  const more = shown.length > listed.length ? `\n… and ${shown.length - listed.length} more` : '';
  return { title: `Backstack: ${summarize(shown)}`, body: listed.join('\n') + more, level: worst(shown), kinds };
}

/**
 * The e-mails of a batch: each address gets one message with every event its policies send it
 * (several failures at once are one e-mail, not a storm); addresses that get the same events
 * share one message.
 */
export function mailsOf(events: readonly NotificationEvent[]): Mail[] {
  const byAddress = new Map<string, NotificationEvent[]>();
  for (const e of events) for (const a of e.emails) byAddress.set(a.toLowerCase(), [...(byAddress.get(a.toLowerCase()) ?? []), e]);
  const byEvents = new Map<string, { to: string[]; events: NotificationEvent[] }>();
  for (const [address, evs] of byAddress) {
    const key = evs.map((e) => events.indexOf(e)).join(',');
    const group = byEvents.get(key) ?? { to: [], events: evs };
    group.to.push(address);
    byEvents.set(key, group);
  }
  return [...byEvents.values()].map(({ to, events: evs }) => ({ to, subject: subjectOf(evs), text: textOf(evs) }));
}

function subjectOf(events: readonly NotificationEvent[]): string {
  const [first] = events;
  if (events.length === 1 && first) return `Backstack: ${first.title}`;
  const policies = [...new Set(events.map((e) => e.policyName))];
  return `Backstack: ${summarize(events)} (${policies.length === 1 ? `policy ${policies[0]}` : `${policies.length} policies`})`;
}

function textOf(events: readonly NotificationEvent[]): string {
  const parts = events.map((e) => [e.title, '-'.repeat(Math.min(72, e.title.length)), ...e.lines, `Policy: ${e.policyName}`].join('\n'));
  const head = events.length > 1 ? [`${summarize(events)}:`, ...events.map((e) => `  - ${e.title}`), ''] : [];
  return [
    ...head,
    parts.join('\n\n'),
    '',
    '--',
    `Sent by Backstack on ${os.hostname()}, as the policy's notification rules ask; change them in the policy's Notifications section.`,
  ].join('\n');
}
