import type { SchedulerStatus } from '../../shared/domain/policies';

export interface TrayLine {
  label: string;
  enabled: boolean;
}

/**
 * What the tray menu says above its actions: the next scheduled run and the running jobs, or
 * why schedules do not run here. Pure, so it is tested without Electron.
 */
export function trayStatusLines(s: SchedulerStatus, runningJobs: readonly string[], now: Date): TrayLine[] {
  const lines: TrayLine[] = [];
  if (!s.running) {
    lines.push({ label: s.holder ? `Schedules run in ${s.holder.runtime} (pid ${s.holder.pid})` : 'Schedules are not running', enabled: false });
  } else {
    const next = s.nextRuns[0];
    lines.push({ label: next ? `Next: ${next.policyName} ${when(new Date(next.at), now)}` : 'No scheduled backup', enabled: false });
  }
  if (runningJobs.length === 0) lines.push({ label: 'No job running', enabled: false });
  for (const j of runningJobs.slice(0, 5)) lines.push({ label: `Running: ${j}`, enabled: false });
  if (runningJobs.length > 5) lines.push({ label: `… and ${runningJobs.length - 5} more`, enabled: false });
  return lines;
}

/** "at 01:30", "tomorrow at 01:30", "on Sun 6 Dec at 03:00", in the workstation's time. */
function when(at: Date, now: Date): string {
  const hm = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(at) - day(now)) / 86_400_000);
  if (days === 0) return `at ${hm}`;
  if (days === 1) return `tomorrow at ${hm}`;
  return `on ${at.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })} at ${hm}`;
}
