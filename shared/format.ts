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
