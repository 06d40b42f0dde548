/** "45 min", "12 h", "3 days": a span of time as the dashboard says it. */
export function spanWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** "in 3 h", "in 12 min" for a time ahead; "now" once it has come. */
export const untilWords = (iso: string, now: number): string => {
  const ms = Date.parse(iso) - now;
  return ms <= 30_000 ? 'now' : `in ${spanWords(ms)}`;
};

/** "5 h ago" for a time behind. */
export const agoWords = (iso: string, now: number): string => `${spanWords(Math.max(0, now - Date.parse(iso)))} ago`;
