import type { Command } from 'commander';
import type { PolicySpecInput, ScheduleInput } from '../../../shared/domain/policies';
import type { ScheduleForm } from '../../../shared/domain/schedule-forms';
import { UsageError, wholeNumber } from '../output';
import { keepRules, withKeepRules, type KeepOptions } from './destination';

/** The flags of `policy add` and `policy edit`, as commander hands them over. */
export interface PolicyOptions extends KeepOptions {
  name?: string;
  destination?: string;
  description?: string;
  priority?: number;
  includeName: string[];
  excludeName: string[];
  tag: string[];
  tagMatch?: 'any' | 'all';
  project: string[];
  domain: string[];
  zone: string[];
  cloud: string[];
  autoAssign?: 'off' | 'assign' | 'assign-remove';
  schedule: string[];
  type: string[];
  tz: string[];
  window?: number;
  missed?: 'run-once' | 'skip';
  excludeDisk: string[];
  verifyEvery?: number | 'off';
  copyTo?: string;
  strategy?: 'libvirt' | 'disk-attachment' | 'image-transfer' | 'cloud';
  file?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const oneOf =
  <T extends string>(flag: string, values: readonly T[]) =>
  (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new UsageError(`${flag} is one of ${values.join(', ')}; got "${v}".`);
    return v as T;
  };

export function withPolicyOptions(c: Command): Command {
  return withKeepRules(
    c
      .option('--destination <name>', 'where its backups go')
      .option('--description <text>', 'a note for other admins')
      .option('--priority <n>', 'lower first: claims an instance two policies match (default 100)', wholeNumber('--priority'))
      .option('--include-name <regex>', 'instances whose name matches; repeatable', collect, [])
      .option('--exclude-name <regex>', 'except those whose name matches; repeatable', collect, [])
      .option('--tag <tag>', 'instances with this tag; repeatable', collect, [])
      .option('--tag-match <any|all>', 'any of the tags (default) or all of them', oneOf('--tag-match', ['any', 'all'] as const))
      .option('--project <name>', 'only in this project (name or id); repeatable', collect, [])
      .option('--domain <name>', 'only in this domain (name or id); repeatable', collect, [])
      .option('--zone <az>', 'only in this availability zone; repeatable', collect, [])
      .option('--cloud <name>', 'only in this cloud (name or id); repeatable', collect, [])
      .option('--auto-assign <mode>', 'off: rules only preview; assign: members added on each sync; assign-remove: also removed when they stop matching', oneOf('--auto-assign', ['off', 'assign', 'assign-remove'] as const))
      .option('--schedule <when>', `"daily 02:30", "weekdays 01:00", "sun,wed 03:00", "hourly 6" (every 6 h), "monthly 1 03:00", "monthly last 03:00", or a 5-field cron expression; repeatable`, collect, [])
      .option('--type <full|incremental|auto>', 'backup type of each --schedule, in order (one applies to all)', collect, [])
      .option('--tz <zone>', 'IANA time zone of each --schedule, in order (one applies to all; default UTC)', collect, [])
      .option('--window <minutes>', 'a run whose backups have not started this long after it was due is skipped (default 240)', wholeNumber('--window'))
      .option('--missed <run-once|skip>', 'what start does with runs missed while no scheduler ran', oneOf('--missed', ['run-once', 'skip'] as const))
      .option('--exclude-disk <dev>', 'leave this disk out of every backup (vdb …); repeatable', collect, [])
      .option('--verify-every <days|off>', "verify by booting: after a backup, a member not boot-checked for this many days is booted in its cloud's sandbox project (see restore verify); off stops", verifyEvery)
      .option(
        '--strategy <name>',
        "how its backups read disks: libvirt, disk-attachment or image-transfer; cloud: each cloud's setting (default)",
        oneOf('--strategy', ['libvirt', 'disk-attachment', 'image-transfer', 'cloud'] as const),
      )
      .option('--copy-to <target|off>', 'copy each new restore point to this copy target after its backup (see copy target add); off stops')
      .option('--file <policy.yaml>', 'the whole policy from a YAML or JSON file (the fields of `policy show --json` .spec)'),
  );
}

// 'off' stays a word here: commander turns a parser's null into ''.
function verifyEvery(v: string): number | 'off' {
  if (v === 'off') return 'off';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 365) throw new UsageError(`--verify-every is a number of days from 1 to 365, or off; got "${v}".`);
  return n;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** "daily 02:30", "weekdays 01:00", "mon,thu 03:00", "hourly 6", "monthly 1 03:00", "monthly last 03:00", or cron. */
export function parseWhen(text: string): ScheduleForm {
  const t = text.trim().toLowerCase();
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^daily (\d{1,2}:\d\d)$/))) return { form: 'daily', at: m[1]!.padStart(5, '0') };
  if ((m = t.match(/^weekdays (\d{1,2}:\d\d)$/))) return { form: 'weekly', at: m[1]!.padStart(5, '0'), days: [1, 2, 3, 4, 5] };
  if ((m = t.match(/^((?:sun|mon|tue|wed|thu|fri|sat)(?:,(?:sun|mon|tue|wed|thu|fri|sat))*) (\d{1,2}:\d\d)$/)))
    return { form: 'weekly', at: m[2]!.padStart(5, '0'), days: m[1]!.split(',').map((d) => DAYS.indexOf(d)) };
  if ((m = t.match(/^hourly(?: (\d{1,2}))?(?: :(\d\d))?$/))) return { form: 'hourly', everyHours: Number(m[1] ?? 1), minute: Number(m[2] ?? 0) };
  if ((m = t.match(/^monthly (\d{1,2}|last) (\d{1,2}:\d\d)$/))) return { form: 'monthly', dayOfMonth: m[1] === 'last' ? 'last' : Number(m[1]), at: m[2]!.padStart(5, '0') };
  return { form: 'cron', expression: text.trim() };
}

const nth = (list: string[], i: number): string | undefined => (list.length === 1 ? list[0] : list[i]);

export function schedulesOf(o: PolicyOptions): ScheduleInput[] {
  if (o.type.length > 1 && o.type.length !== o.schedule.length) throw new UsageError(`Give one --type for all schedules, or one per --schedule (${o.schedule.length}).`);
  if (o.tz.length > 1 && o.tz.length !== o.schedule.length) throw new UsageError(`Give one --tz for all schedules, or one per --schedule (${o.schedule.length}).`);
  return o.schedule.map((when, i) => {
    const type = nth(o.type, i);
    if (type !== undefined && !['full', 'incremental', 'auto'].includes(type)) throw new UsageError(`--type is full, incremental or auto; got "${type}".`);
    const tz = nth(o.tz, i);
    return {
      id: `s${i + 1}`,
      ...parseWhen(when),
      ...(type ? { backupType: type as 'full' | 'incremental' | 'auto' } : {}),
      ...(tz ? { timeZone: tz } : {}),
      ...(o.window !== undefined ? { windowMinutes: o.window } : {}),
    } as ScheduleInput;
  });
}

const hasKeep = (o: KeepOptions) => [o.keepLast, o.keepHourly, o.keepDaily, o.keepWeekly, o.keepMonthly, o.keepYearly].some((v) => v !== undefined);

/** The flags given, laid over `base` (an existing policy's spec for edit, nothing for add): a flag given replaces that field. */
export function specFromOptions(o: PolicyOptions, base: Partial<PolicySpecInput> = {}): PolicySpecInput {
  if (!o.schedule.length && (o.type.length || o.tz.length || o.window !== undefined))
    throw new UsageError('--type, --tz and --window describe a --schedule: give the schedules too (they replace the current ones).');
  const rules = { ...(base.rules ?? {}) };
  const set = <K extends keyof typeof rules>(k: K, v: (typeof rules)[K] | undefined, given: boolean) => {
    if (given) rules[k] = v;
  };
  set('includeNames', o.includeName, o.includeName.length > 0);
  set('excludeNames', o.excludeName, o.excludeName.length > 0);
  set('tags', o.tag, o.tag.length > 0);
  set('tagMatch', o.tagMatch, o.tagMatch !== undefined);
  set('projects', o.project, o.project.length > 0);
  set('domains', o.domain, o.domain.length > 0);
  set('availabilityZones', o.zone, o.zone.length > 0);
  set('providerIds', o.cloud, o.cloud.length > 0);
  const name = o.name ?? base.name;
  const destination = o.destination ?? base.destination;
  if (!name) throw new UsageError('Give the policy a --name.');
  if (!destination) throw new UsageError('Give a --destination (see: backstack destination list).');
  return {
    ...base,
    name,
    destination,
    rules,
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.autoAssign ? { autoAssign: o.autoAssign } : {}),
    ...(o.schedule.length ? { schedules: schedulesOf(o) } : {}),
    ...(hasKeep(o) ? { retention: keepRules(o) } : {}),
    ...(o.missed ? { missedRuns: o.missed } : {}),
    ...(o.excludeDisk.length ? { excludeDisks: o.excludeDisk } : {}),
    ...(o.verifyEvery !== undefined ? { verifyEveryDays: o.verifyEvery === 'off' ? null : o.verifyEvery } : {}),
    ...(o.copyTo !== undefined ? { copyTo: o.copyTo === 'off' ? null : o.copyTo } : {}),
    ...(o.strategy !== undefined ? { strategy: o.strategy === 'cloud' ? null : o.strategy === 'libvirt' ? 'libvirt-ssh' : o.strategy } : {}),
  };
}
