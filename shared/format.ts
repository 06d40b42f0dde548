/** Formatting shared by the CLI and the UI, so both say the same thing the same way. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function percent(done: number, total: number | null): number | null {
  if (!total) return null;
  return Math.min(100, Math.floor((100 * done) / total));
}

/** "1.5 GiB" for byte counts, "3 of 12" style for step counts. */
export function formatAmount(n: number | null | undefined, unit: 'bytes' | 'steps' | undefined): string {
  if (unit === 'steps') return n === null || n === undefined ? '-' : String(n);
  return formatBytes(n);
}

/** "1 instance", "2 instances", "0 instances"; `many` for irregular nouns ("1 entry", "3 entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * How long ago something happened, as an admin scans it: "just now", "5 min ago", "2 h ago",
 * "3 days ago"; "never" without a time. A time ahead of this clock (another workstation's) reads "just now".
 */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'never';
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 365) return `${plural(days, 'day')} ago`;
  return `${plural(Math.floor(days / 365), 'year')} ago`;
}
