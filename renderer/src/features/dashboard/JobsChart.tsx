import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { JobHour } from '../../../../shared/domain/dashboard';
import { axisTick, gridStroke, tooltipStyle } from './chart-style';

/** Jobs of the last 24 hours per hour, stacked by outcome: failures stand out at a glance. */
export function JobsChart({ hours }: { hours: JobHour[] }) {
  const data = hours.map((h) => ({ ...h, hour: new Date(Date.parse(h.start) + 3_600_000).getHours().toString().padStart(2, '0') }));
  return (
    <ResponsiveContainer width="100%" height={160}>
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -24 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={gridStroke} />
        <XAxis dataKey="hour" tick={axisTick} interval={3} />
        <YAxis allowDecimals={false} tick={axisTick} />
        <Tooltip
          contentStyle={tooltipStyle}
          cursor={{ fill: 'var(--mantine-color-default-hover)' }}
          labelFormatter={(h) => `until ${String(h)}:xx`}
        />
        <Bar dataKey="succeeded" stackId="a" fill="var(--mantine-color-green-6)" isAnimationActive={false} />
        <Bar dataKey="warning" stackId="a" fill="var(--mantine-color-yellow-6)" isAnimationActive={false} />
        <Bar dataKey="failed" stackId="a" fill="var(--mantine-color-red-6)" name="failed or interrupted" isAnimationActive={false} />
        <Bar dataKey="other" stackId="a" fill="var(--mantine-color-gray-5)" name="queued, running or cancelled" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
