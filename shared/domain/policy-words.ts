import type { KeepRules } from './destinations';
import type { AutoAssign, PolicyRules } from './policies';

/**
 * Policies in words, for the UI and the CLI alike: "the last 3, 7 daily, 4 weekly",
 * "names matching ^web-; tags any of prod".
 */

const KEEP_ORDER = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

export function retentionInWords(keep: KeepRules): string {
  const parts: string[] = [];
  if (keep.last) parts.push(`the last ${keep.last}`);
  for (const k of KEEP_ORDER) if (keep[k]) parts.push(`${keep[k]} ${k}`);
  return parts.length ? parts.join(', ') : 'every restore point';
}

export const AUTO_ASSIGN_WORDS: Record<AutoAssign, { label: string; explain: string }> = {
  off: { label: 'Off', explain: 'Members are added by hand only; the rules are used for the preview.' },
  assign: { label: 'Assign', explain: 'Each inventory sync adds the instances the rules match; nothing is removed.' },
  'assign-remove': {
    label: 'Assign and remove',
    explain: 'Each sync adds what the rules match and removes rule-added members that no longer match (hand-added ones stay).',
  },
};

const list = (xs: readonly string[]) => xs.join(', ');

/** True when the rules select something: without names, tags, projects, domains or zones they select nothing (as the core judges). */
export const rulesSelect = (r: PolicyRules): boolean =>
  r.includeNames.length + r.tags.length + r.projects.length + r.domains.length + r.availabilityZones.length > 0;

/** The rules in one line; "" when they select nothing. */
export function rulesInWords(r: PolicyRules, cloudName: (id: string) => string = (id) => id): string {
  if (!rulesSelect(r)) return '';
  const parts: string[] = [];
  if (r.includeNames.length) parts.push(`names matching ${list(r.includeNames)}`);
  if (r.excludeNames.length) parts.push(`except names matching ${list(r.excludeNames)}`);
  if (r.tags.length) parts.push(`tags ${r.tagMatch === 'all' ? 'all of' : 'any of'} ${list(r.tags)}`);
  if (r.projects.length) parts.push(`projects ${list(r.projects)}`);
  if (r.domains.length) parts.push(`domains ${list(r.domains)}`);
  if (r.availabilityZones.length) parts.push(`zones ${list(r.availabilityZones)}`);
  if (r.providerIds.length) parts.push(`in ${list(r.providerIds.map(cloudName))}`);
  return parts.join('; ');
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; "never" for null. */
export function ageInWords(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}
