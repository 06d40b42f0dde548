import { rpoCutoff, RPO_MISSED_RUNS } from '../../../shared/domain/notifications';
import type { PolicySpec } from '../../../shared/domain/policies';
import { describeSchedule } from '../../../shared/domain/schedule-forms';
import { systemClock, type Clock } from '../policies/scheduler';
import type { NotificationEvent } from './events';
import type { Episodes } from './state';

export interface RpoMember {
  providerId: string;
  instanceId: string;
  instanceName: string | null;
  assignedAt: string;
  /** the newest restore point of the instance (null: none yet) */
  lastBackupAt: string | null;
}

export interface RpoPolicy {
  id: string;
  spec: PolicySpec;
  updatedAt: string;
  members: RpoMember[];
}

export interface RpoWatchOptions {
  policies(): RpoPolicy[];
  cloudName(providerId: string): string;
  episodes: Episodes;
  post(events: NotificationEvent[]): void;
  /** checks only while this process runs the catalog's scheduler (one process per catalog reports) */
  isLeader(): boolean;
  clock?: Clock;
  /** how often it looks (default 5 min) */
  everyMs?: number;
}

/**
 * Watches each member's newest restore point against its policy's schedules: once RPO_MISSED_RUNS
 * scheduled runs have come due since it (or since the instance joined, or the policy was last
 * edited or resumed), the RPO is breached. Each breach is reported once; it ends when a new
 * restore point arrives, and a later breach is reported again.
 */
export class RpoWatch {
  private timer: unknown;
  private readonly clock: Clock;

  constructor(private readonly opts: RpoWatchOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  start(): void {
    this.stop();
    const loop = () => {
      this.check();
      this.timer = this.clock.setTimeout(loop, this.opts.everyMs ?? 5 * 60_000);
    };
    loop();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Looks once; returns the breaches it reported now. Public for tests with a fake clock. */
  check(): NotificationEvent[] {
    if (!this.opts.isLeader()) return [];
    const now = new Date(this.clock.now());
    const before = this.opts.episodes.open('rpo');
    const open = new Map<string, string>();
    const events: NotificationEvent[] = [];
    for (const p of this.opts.policies()) {
      const rules = p.spec.notifications;
      if (!p.spec.enabled || !rules.rpoBreached) continue;
      const cutoff = rpoCutoff(p.spec.schedules, now)?.getTime();
      if (cutoff === undefined) continue;
      for (const m of p.members) {
        const since = Math.max(Date.parse(m.lastBackupAt ?? m.assignedAt), Date.parse(p.updatedAt));
        if (since >= cutoff) continue;
        const key = `${p.id}|${m.providerId}|${m.instanceId}`;
        open.set(key, before.get(key) ?? now.toISOString());
        if (!before.has(key)) events.push(this.event(p, m));
      }
    }
    this.opts.episodes.save('rpo', open);
    if (events.length) this.opts.post(events);
    return events;
  }

  private event(p: RpoPolicy, m: RpoMember): NotificationEvent {
    const name = m.instanceName ?? m.instanceId;
    const who = `${name} (cloud ${this.opts.cloudName(m.providerId)})`;
    const rules = p.spec.notifications;
    const schedules = p.spec.schedules.map((s) => describeSchedule(s)).join('; ');
    const newest = m.lastBackupAt ? `The newest restore point of ${who} is from ${m.lastBackupAt}` : `${who} has no restore point yet`;
    return {
      kind: 'rpoBreached',
      level: 'warning',
      title: `RPO breached: ${name}`,
      lines: [
        `${newest}, and ${RPO_MISSED_RUNS} or more runs of policy ${p.spec.name} (${schedules}) have come due since.`,
        "Look at the policy's recent runs and the failed backups in Jobs: a backup that fails, a start window too short, or no scheduler running (backstack scheduler status).",
      ],
      policyName: p.spec.name,
      desktop: rules.desktop,
      emails: rules.emails,
    };
  }
}
