import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Job } from '../../../../shared/domain/jobs';

/** Jobs of the last 24 hours per hour, stacked by outcome: failures stand out at a glance. */
export function JobsChart({ jobs, now }: { jobs: Job[]; now: number }) {
  const hours = Array.from({ length: 24 }, (_, i) => {
    const start = now - (24 - i) * 3_600_000;
    return { hour: new Date(start + 3_600_000).getHours().toString().padStart(2, '0'), start, ok: 0, warning: 0, failed: 0 };
  });
  for (const j of jobs) {
    const t = Date.parse(j.createdAt);
    const idx = Math.floor((t - (now - 24 * 3_600_000)) / 3_600_000);
    const bucket = hours[idx];
    if (!bucket) continue;
    if (j.state === 'succeeded') bucket.ok++;
    else if (j.state === 'warning') bucket.warning++;
    else if (j.state === 'failed' || j.state === 'interrupted') bucket.failed++;
  }
  return (
    <ResponsiveContainer width="100%" height={160}>
      <BarChart data={hours} margin={{ top: 4, right: 4, bottom: 0, left: -24 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="hour" fontSize={11} interval={3} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip />
        <Bar dataKey="ok" stackId="a" fill="var(--mantine-color-green-6)" name="succeeded" />
        <Bar dataKey="warning" stackId="a" fill="var(--mantine-color-yellow-6)" />
        <Bar dataKey="failed" stackId="a" fill="var(--mantine-color-red-6)" />
      </BarChart>
    </ResponsiveContainer>
  );
}
