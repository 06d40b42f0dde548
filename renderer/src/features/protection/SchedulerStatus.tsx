import { useEffect, type ReactNode } from 'react';
import { Code, Group, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconClockPlay, IconClockShare } from '@tabler/icons-react';
import type { SchedulerStatus as Status } from '../../../../shared/domain/policies';
import { queries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';

// The lease of another process is not a catalog table that signals changes: read it again this often.
const REFRESH_MS = 30_000;

function words(s: Status): { color: string; icon: ReactNode; text: ReactNode } {
  if (s.running) return { color: 'green', icon: <IconClockPlay size={14} />, text: 'Schedules run in this app' };
  if (s.holder) {
    const since = new Date(s.holder.since).toLocaleString();
    return {
      color: 'blue',
      icon: <IconClockShare size={14} />,
      text: `Schedules run in another process (${s.holder.runtime}, pid ${s.holder.pid} on ${s.holder.hostname}, since ${since})`,
    };
  }
  return {
    color: 'orange',
    icon: <IconAlertTriangle size={14} />,
    text: (
      <>
        No scheduler is running: schedules will not run until the app or <Code>backstack serve</Code> runs
      </>
    ),
  };
}

/** Who runs the schedules of this catalog: this process, another one (named), or nobody. */
export function SchedulerStatus() {
  const { data } = useQuery('scheduler.status', {}, { tables: ['policies'] });
  useEffect(() => {
    const q = queries.request('scheduler.status', {}, ['policies']);
    const t = setInterval(() => void q.reload(), REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  if (!data) return null;
  const w = words(data);
  return (
    <Group gap={6} wrap="nowrap" data-testid="scheduler-status">
      <ThemeIcon size="sm" variant="light" color={w.color}>
        {w.icon}
      </ThemeIcon>
      <Text size="sm" c={w.color === 'orange' ? 'orange' : undefined}>
        {w.text}
      </Text>
    </Group>
  );
}
