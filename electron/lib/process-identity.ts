import fs from 'node:fs';

/**
 * "pid:starttime" names a process for good: a pid alone is reused after a crash, the start
 * time (Linux /proc, in clock ticks since boot) makes the pair unique.
 */
export function processIdentity(pid: number = process.pid): string {
  return `${pid}:${startTime(pid) ?? 'na'}`;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

export function isProcessAlive(identity: string): boolean {
  const [pidText, start] = identity.split(':');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined || start === 'na') return true;
  return startTime(pid) === start;
}
