import { FirstRunStep, type FirstRun } from '../../../../shared/domain/app';
import { canRetry, type Job } from '../../../../shared/domain/jobs';
import type { OutputOf } from '../../../../shared/ipc/contract';

/**
 * The guided first run's logic, kept free of React: which steps are done given what exists in
 * the catalog, where the wizard opens, and what skipping, moving and reopening store.
 */

export const SETUP_STEPS: readonly FirstRunStep[] = FirstRunStep.options;

/** What exists, as far as the steps are concerned. */
export interface SetupFacts {
  clouds: number;
  /** hypervisors the inventory found (not vanished) */
  hosts: number;
  /** of those, the ones with SSH settings whose host key is pinned (a connection got through) */
  hostsReady: number;
  destinations: number;
  policies: number;
  /** backup jobs that succeeded or are still under way (failed ones leave the first backup to do) */
  backups: number;
}

export type HostRow = OutputOf<'hypervisors.list'>['items'][number] & { providerId: string };

/** A host the libvirt strategy can reach: SSH settings saved, and its key pinned by a connection that got through. */
export const hostReady = (h: HostRow): boolean => Boolean(h.ssh.address && h.ssh.hostKey);

/** The facts from the lists the setup reads (hosts gone from the cloud are left out before). */
export function factsOf(d: { providers: unknown[]; hosts: HostRow[]; destinations: unknown[]; policies: unknown[]; jobs: Job[] }): SetupFacts {
  return {
    clouds: d.providers.length,
    hosts: d.hosts.length,
    hostsReady: d.hosts.filter(hostReady).length,
    destinations: d.destinations.length,
    policies: d.policies.length,
    // A backup that failed, was cancelled or interrupted did not do its work: the first backup is still to do.
    backups: d.jobs.filter((j) => j.kind === 'backup.instance' && !canRetry(j.state)).length,
  };
}

export type StepStatus = 'done' | 'skipped' | 'todo';

/** A step whose work exists is done, however it was done (here, on its own page, or from the CLI). */
export function isDone(step: FirstRunStep, f: SetupFacts): boolean {
  switch (step) {
    case 'cloud':
      return f.clouds > 0;
    case 'hypervisors':
      return f.hosts > 0 && f.hostsReady === f.hosts;
    case 'destination':
      return f.destinations > 0;
    case 'policy':
      return f.policies > 0;
    case 'run':
      return f.backups > 0;
    case 'summary':
      return false;
  }
}

export function statusOf(step: FirstRunStep, f: SetupFacts, progress: FirstRun): StepStatus {
  if (isDone(step, f)) return 'done';
  return progress.skipped.includes(step) ? 'skipped' : 'todo';
}

/** The first step neither done nor skipped; the summary when there is none. */
export function firstOpen(f: SetupFacts, skipped: readonly FirstRunStep[]): FirstRunStep {
  return SETUP_STEPS.find((s) => s !== 'summary' && !isDone(s, f) && !skipped.includes(s)) ?? 'summary';
}

/** Where the wizard opens: where the admin left it, unless that step's work is done since. */
export function resumeAt(progress: FirstRun, f: SetupFacts): FirstRunStep {
  if (progress.step !== 'summary' && !isDone(progress.step, f)) return progress.step;
  return firstOpen(f, progress.skipped);
}

const after = (step: FirstRunStep): FirstRunStep => SETUP_STEPS[Math.min(SETUP_STEPS.indexOf(step) + 1, SETUP_STEPS.length - 1)]!;

/** Moves to a step; reaching the summary means the wizard was walked through, so it no longer opens by itself. */
export function moveTo(progress: FirstRun, step: FirstRunStep): FirstRun {
  return { ...progress, step, dismissed: progress.dismissed || step === 'summary' };
}

/** "Next": on to the following step. */
export const advance = (progress: FirstRun, from: FirstRunStep): FirstRun => moveTo(progress, after(from));

/** "Skip for now": remembered as skipped, and on to the following step. */
export function skip(progress: FirstRun, step: FirstRunStep): FirstRun {
  const skipped = progress.skipped.includes(step) ? progress.skipped : [...progress.skipped, step];
  return moveTo({ ...progress, skipped }, after(step));
}

/** "Close setup": it stays where it was, and no longer opens by itself. */
export const dismiss = (progress: FirstRun): FirstRun => ({ ...progress, dismissed: true });

/**
 * Settings → "Set up Backstack": what was skipped is to do again, and the wizard opens where it
 * was left (or, from the summary, at the first step not done).
 */
export const reopen = (progress: FirstRun): FirstRun => ({ ...progress, dismissed: false, skipped: [] });

export const catalogEmpty = (f: Pick<SetupFacts, 'clouds' | 'destinations' | 'policies'>): boolean =>
  f.clouds === 0 && f.destinations === 0 && f.policies === 0;

/** The wizard opens by itself only on a first start: nothing in the catalog, and not closed before. */
export const opensByItself = (progress: FirstRun, f: Pick<SetupFacts, 'clouds' | 'destinations' | 'policies'>): boolean =>
  !progress.dismissed && catalogEmpty(f);
