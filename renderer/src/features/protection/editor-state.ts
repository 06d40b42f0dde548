import type { KeepRules } from '../../../../shared/domain/destinations';
import type { NotificationRules } from '../../../../shared/domain/notifications';
import type { OfferedStrategy } from '../../../../shared/domain/providers';
import { PolicySpec, type AutoAssign, type PolicySpecInput, type Schedule, type ScheduleInput } from '../../../../shared/domain/policies';

/**
 * The policy editor's draft: what the form holds (name patterns as lines of text, a schedule
 * with every simple form's fields so switching forms loses nothing), and its conversion to the
 * contract's PolicySpec. The shared zod schema is the only validator: its issues become field errors.
 */

export type ScheduleFormName = Schedule['form'];
export type BackupType = Schedule['backupType'];

export interface ScheduleDraft {
  id: string;
  form: ScheduleFormName;
  everyHours: number;
  minute: number;
  at: string;
  days: number[];
  dayOfMonth: number | 'last';
  expression: string;
  timeZone: string;
  backupType: BackupType;
  /** null: no start window */
  windowMinutes: number | null;
}

export interface PolicyDraft {
  name: string;
  description: string;
  priority: number;
  /** destination id */
  destination: string;
  enabled: boolean;
  /** one regular expression a line */
  includeNames: string;
  excludeNames: string;
  tags: string[];
  tagMatch: 'any' | 'all';
  projects: string[];
  domains: string[];
  availabilityZones: string[];
  providerIds: string[];
  autoAssign: AutoAssign;
  schedules: ScheduleDraft[];
  retention: KeepRules;
  missedRuns: 'run-once' | 'skip';
  excludeDisks: string[];
  verifyEveryDays: number | null;
  /** copy target id, or null: no copy */
  copyTo: string | null;
  /** how backups read disks, or null: each cloud's setting */
  strategy: OfferedStrategy | null;
  notifications: NotificationRules;
  /** what the editor does not show (snapshot commands), kept as saved */
  kept: Pick<PolicySpec, 'preSnapshot' | 'postSnapshot'>;
}

/** The browser's time zone: what "daily at 02:00" means to the person filling the form. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function newSchedule(taken: readonly string[], timeZone: string): ScheduleDraft {
  let n = taken.length + 1;
  while (taken.includes(`schedule-${n}`)) n++;
  return {
    id: `schedule-${n}`,
    form: 'daily',
    everyHours: 6,
    minute: 0,
    at: '01:00',
    days: [1, 2, 3, 4, 5],
    dayOfMonth: 1,
    expression: '0 1 * * *',
    timeZone,
    backupType: 'auto',
    windowMinutes: null,
  };
}

export function scheduleDraftOf(s: Schedule): ScheduleDraft {
  return { ...newSchedule([], s.timeZone), ...s };
}

export function draftOf(spec: PolicySpec | null, defaults: { destination: string }): PolicyDraft {
  const s = spec ?? PolicySpec.parse({ name: 'new', destination: defaults.destination || 'none' });
  return {
    name: spec ? s.name : '',
    description: s.description,
    priority: s.priority,
    destination: spec ? s.destination : defaults.destination,
    enabled: s.enabled,
    includeNames: s.rules.includeNames.join('\n'),
    excludeNames: s.rules.excludeNames.join('\n'),
    tags: s.rules.tags,
    tagMatch: s.rules.tagMatch,
    projects: s.rules.projects,
    domains: s.rules.domains,
    availabilityZones: s.rules.availabilityZones,
    providerIds: s.rules.providerIds,
    // A new policy's rules assign (rules are typed to be used); a saved one keeps its mode.
    autoAssign: spec ? s.autoAssign : 'assign',
    schedules: s.schedules.map(scheduleDraftOf),
    retention: s.retention,
    missedRuns: s.missedRuns,
    excludeDisks: s.excludeDisks,
    verifyEveryDays: s.verifyEveryDays,
    copyTo: s.copyTo,
    strategy: s.strategy,
    notifications: s.notifications,
    kept: { ...(s.preSnapshot ? { preSnapshot: s.preSnapshot } : {}), ...(s.postSnapshot ? { postSnapshot: s.postSnapshot } : {}) },
  };
}

/** The non-empty lines of a text field, trimmed. */
export const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The schedule as the contract takes it: only its form's fields. */
export function scheduleOf(d: ScheduleDraft): ScheduleInput {
  const base = { id: d.id, timeZone: d.timeZone, backupType: d.backupType, windowMinutes: d.windowMinutes };
  switch (d.form) {
    case 'hourly':
      return { ...base, form: 'hourly', everyHours: d.everyHours, minute: d.minute };
    case 'daily':
      return { ...base, form: 'daily', at: d.at };
    case 'weekly':
      return { ...base, form: 'weekly', at: d.at, days: d.days };
    case 'monthly':
      return { ...base, form: 'monthly', at: d.at, dayOfMonth: d.dayOfMonth };
    case 'cron':
      return { ...base, form: 'cron', expression: d.expression };
  }
}

/** Keep rules without the empty ones (0 and unset both mean "no such rule"). */
const keepOf = (k: KeepRules): KeepRules => Object.fromEntries(Object.entries(k).filter(([, n]) => typeof n === 'number' && n > 0));

export function rulesOf(d: PolicyDraft): NonNullable<PolicySpecInput['rules']> {
  return {
    includeNames: linesOf(d.includeNames),
    excludeNames: linesOf(d.excludeNames),
    tags: d.tags,
    tagMatch: d.tagMatch,
    projects: d.projects,
    domains: d.domains,
    availabilityZones: d.availabilityZones,
    providerIds: d.providerIds,
  };
}

export function specOf(d: PolicyDraft): PolicySpecInput {
  return {
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    priority: d.priority,
    destination: d.destination,
    rules: rulesOf(d),
    autoAssign: d.autoAssign,
    schedules: d.schedules.map(scheduleOf),
    retention: keepOf(d.retention),
    missedRuns: d.missedRuns,
    excludeDisks: d.excludeDisks,
    verifyEveryDays: d.verifyEveryDays,
    copyTo: d.copyTo,
    strategy: d.strategy,
    notifications: d.notifications,
    ...d.kept,
  };
}

/** Field errors by field: "name", "includeNames", "schedules.0.expression", "schedules.0" (the schedule as a whole) … */
export type FieldErrors = Record<string, string>;

function fieldOf(path: readonly PropertyKey[]): string {
  const [head, second, third] = path.map(String);
  if (head === 'rules' && second) return second;
  if (head === 'schedules' && second !== undefined) return third && third !== 'id' ? `schedules.${second}.${third}` : `schedules.${second}`;
  return head ?? 'policy';
}

/** What the shared schema says of the draft, each problem at its field (the first one per field). */
export function validate(d: PolicyDraft): FieldErrors {
  const r = PolicySpec.safeParse(specOf(d));
  if (r.success) return {};
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = fieldOf(issue.path);
    const disk = key === 'excludeDisks' ? d.excludeDisks[Number(issue.path[1])] : undefined;
    const message =
      issue.code === 'too_small' && key === 'name'
        ? 'Give the policy a name.'
        : disk !== undefined
          ? `"${disk}" is not ${issue.message}.`
          : issue.message;
    errors[key] ??= key === 'destination' && !d.destination ? 'Choose where the backups go.' : message;
  }
  return errors;
}

/** Errors shown as soon as they are typed (a bad pattern, a bad cron); the others wait for Save. */
export const isLiveError = (field: string): boolean => /^(includeNames|excludeNames|excludeDisks|schedules\.)/.test(field);

/** What the preview needs: the rules (a draft without a name or destination yet can be previewed). */
export function previewSpecOf(d: PolicyDraft): PolicySpecInput | null {
  const spec = {
    name: d.name.trim() || 'draft',
    destination: d.destination || 'none',
    priority: d.priority,
    rules: rulesOf(d),
    autoAssign: d.autoAssign,
  };
  return PolicySpec.safeParse(spec).success ? spec : null;
}
