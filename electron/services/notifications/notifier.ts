import { isTerminal, type Job } from '../../../shared/domain/jobs';
import type { JobsTable, StoredJob } from '../../catalog';
import type { EventBus } from '../../lib/events';
import { systemClock, type Clock } from '../policies/scheduler';
import { desktopNotification, mailsOf, type NotificationEvent } from './events';
import type { Mail } from './mailer';

export interface NotifierOptions {
  bus: EventBus;
  jobs: Pick<JobsTable, 'get' | 'listUnfinished'>;
  /** this process's job owner: a batch waits for its own policy backups still queued or running */
  owner: string;
  /** what the end of a job reports (eventsOfBackupJob) */
  eventsOf(job: StoredJob): Promise<NotificationEvent[]>;
  mail: { configured: boolean; send(m: Mail): Promise<unknown>; noteError(message: string): void };
  log: (level: 'info' | 'warn', message: string) => void;
  clock?: Clock;
  /** a batch goes out at the latest this long after its first event (default 10 min) */
  maxWaitMs?: number;
}

/**
 * Sends what policies' rules report: a desktop notification (the `notifications.posted` event)
 * and e-mail. Events are batched: while this process still runs backups a policy started, they
 * wait (10 minutes at most), so a run where many backups fail is one message, not a storm.
 */
export class Notifier {
  private pending: NotificationEvent[] = [];
  private timer: unknown;
  private readonly work = new Set<Promise<unknown>>();
  private readonly clock: Clock;
  private off: (() => void) | undefined;

  constructor(private readonly opts: NotifierOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Listens to job ends (backups a policy started). */
  start(): void {
    this.off ??= this.opts.bus.on('jobs.changed', (job) => this.onJob(job));
  }

  /** Events from elsewhere (the RPO watch); they join the batch. */
  post(events: readonly NotificationEvent[]): void {
    if (events.length === 0) return;
    if (this.pending.length === 0) {
      this.clock.clearTimeout(this.timer);
      this.timer = this.clock.setTimeout(() => void this.track(this.flush()), this.opts.maxWaitMs ?? 10 * 60_000);
    }
    this.pending.push(...events);
    this.flushIfDone();
  }

  /** Sends what is pending now. */
  async flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const desktop = desktopNotification(batch);
    if (desktop) this.opts.bus.emit('notifications.posted', desktop);
    const mails = mailsOf(batch);
    if (mails.length === 0) return;
    if (!this.opts.mail.configured) {
      const policies = [...new Set(batch.filter((e) => e.emails.length).map((e) => e.policyName))].join(', ');
      return this.undelivered(`E-mail for policy ${policies} was not sent: no mail server is set up. Set one in Settings → Notifications (or backstack notify smtp --host …).`, true);
    }
    for (const m of mails) {
      try {
        await this.opts.mail.send(m);
        this.opts.log('info', `Notification e-mail "${m.subject}" sent to ${m.to.join(', ')}.`);
      } catch (e) {
        this.undelivered(`E-mail "${m.subject}" to ${m.to.join(', ')} was not sent: ${(e as Error).message}`, false);
      }
    }
  }

  /** Resolves once every job end seen so far is judged and nothing is left to send (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }

  /** Stops listening and sends what is pending (closing the CLI or the app does not drop a report). */
  async close(): Promise<void> {
    this.off?.();
    this.off = undefined;
    await this.idle();
    await this.flush();
  }

  private onJob(job: Job): void {
    if (job.kind !== 'backup.instance' || !isTerminal(job.state)) return;
    const stored = this.opts.jobs.get(job.id);
    if (!stored) return;
    this.track(
      this.opts
        .eventsOf(stored)
        .then((events) => (events.length ? this.post(events) : this.flushIfDone()))
        .catch((e: Error) => this.opts.log('warn', `Notifications for job ${job.id} were not worked out: ${e.message}`)),
    );
  }

  /** A batch goes out as soon as no backup a policy started is queued or running here. */
  private flushIfDone(): void {
    if (this.pending.length === 0) return;
    const waiting = this.opts.jobs
      .listUnfinished()
      .some((j) => j.kind === 'backup.instance' && j.owner === this.opts.owner && typeof (j.params as { policyId?: unknown }).policyId === 'string');
    if (!waiting) this.track(this.flush());
  }

  private undelivered(message: string, remember: boolean): void {
    this.opts.log('warn', message);
    // send() remembers its own failures for Settings; a missing mail server is remembered here
    if (remember) this.opts.mail.noteError(message);
    this.opts.bus.emit('notifications.posted', { title: 'E-mail notification not sent', body: message, level: 'error', kinds: ['delivery'] });
  }

  private track<T>(p: Promise<T>): void {
    const w = p.catch((e: Error) => this.opts.log('warn', `Notifications: ${e.message}`)).finally(() => this.work.delete(w));
    this.work.add(w);
  }
}
