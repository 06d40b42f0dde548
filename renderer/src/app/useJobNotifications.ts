import { useEffect } from 'react';
import { notifications } from '@mantine/notifications';
import { JOB_LABELS } from '../../../shared/domain/jobs';
import { subscribe } from '../api/client';
import { useAppStore } from '../stores/app.store';

/** A toast when a job fails, or when one that ran over a minute ends (the setting can turn it off). */
export function useJobNotifications(): void {
  useEffect(
    () =>
      subscribe('jobs.changed', (job) => {
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
      }),
    [],
  );
}
