import { useEffect } from 'react';
import { notifications } from '@mantine/notifications';
import { JOB_LABELS } from '../../../shared/domain/jobs';
import type { PostedNotification } from '../../../shared/domain/notifications';
import { subscribe } from '../api/client';
import { browserNotifications, inDesktopApp } from '../features/notifications/browser-notifications';
import { useAppStore } from '../stores/app.store';

const COLOR: Record<PostedNotification['level'], string> = { info: 'blue', warning: 'yellow', error: 'red' };

/**
 * What policies' notification rules post. The desktop app's main process shows it with the
 * system's notifications; console mode with the browser's when allowed (Settings →
 * Notifications), else as a toast — except job ends, which the job toasts below show already.
 */
export function showPosted(n: PostedNotification): void {
  if (inDesktopApp() || browserNotifications.show(n)) return;
  const jobEnds = n.kinds.every((k) => k === 'failure' || k === 'success');
  if (jobEnds && useAppStore.getState().settings?.notifyOnJobEnd) return;
  notifications.show({ color: COLOR[n.level], title: n.title, message: n.body });
}

/** A toast when a job fails, or when one that ran over a minute ends (the setting can turn it off); and what policies post. */
export function useJobNotifications(): void {
  useEffect(() => {
    const offJobs = subscribe('jobs.changed', (job) => {
      if (!useAppStore.getState().settings?.notifyOnJobEnd || !job.finishedAt) return;
      const long = job.startedAt !== null && Date.parse(job.finishedAt) - Date.parse(job.startedAt) > 60_000;
      if (job.state === 'failed' || job.state === 'interrupted') {
        notifications.show({ color: 'red', title: `${JOB_LABELS[job.kind]} failed`, message: job.error?.message ?? job.target });
      } else if (long) {
        notifications.show({
          color: job.state === 'succeeded' ? 'green' : 'yellow',
          title: `${JOB_LABELS[job.kind]} ${job.state}`,
          message: job.summary ?? job.target,
        });
      }
    });
    const offPosted = subscribe('notifications.posted', showPosted);
    return () => {
      offJobs();
      offPosted();
    };
  }, []);
}
