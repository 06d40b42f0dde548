import path from 'node:path';
import type { Command } from 'commander';
import type { KeepRules } from '../../../shared/domain/destinations';
import { AppError } from '../../../shared/errors/app-error';
import type { Core } from '../../core/create-core';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, table, unwrap, UsageError, wholeNumber } from '../output';
import { readStdin } from '../read-input';
import { followJob } from '../wait-job';
import { describeSchedule } from '../../../shared/domain/schedule-forms';
import type { ScheduleInput } from '../../../shared/domain/schedules';
import { parseWhen } from './policy-options';

/** A destination's id from its name (or id), for requests that take ids only. */
export async function destinationId(core: Core, nameOrId: string): Promise<string> {
  const found = unwrap(await core.api.invoke('destinations.list', {})).items.find((d) => d.name === nameOrId || d.id === nameOrId);
  if (!found) throw new AppError('resource.notFound', `No backup destination "${nameOrId}". List them with: backstack destination list`);
  return found.id;
}

export interface KeepOptions {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

/** The keep-rule options, shared with `destination folder prune`. */
export function withKeepRules(c: Command): Command {
  return c
    .option('--keep-last <n>', 'keep the newest N', wholeNumber('--keep-last'))
    .option('--keep-hourly <n>', 'keep the newest of each of the last N hours', wholeNumber('--keep-hourly'))
    .option('--keep-daily <n>', 'keep the newest of each of the last N days', wholeNumber('--keep-daily'))
    .option('--keep-weekly <n>', 'keep the newest of each of the last N ISO weeks', wholeNumber('--keep-weekly'))
    .option('--keep-monthly <n>', 'keep the newest of each of the last N months', wholeNumber('--keep-monthly'))
    .option('--keep-yearly <n>', 'keep the newest of each of the last N years', wholeNumber('--keep-yearly'));
}

export function keepRules(o: KeepOptions): KeepRules {
  const keep: KeepRules = {
    ...(o.keepLast === undefined ? {} : { last: o.keepLast }),
    ...(o.keepHourly === undefined ? {} : { hourly: o.keepHourly }),
    ...(o.keepDaily === undefined ? {} : { daily: o.keepDaily }),
    ...(o.keepWeekly === undefined ? {} : { weekly: o.keepWeekly }),
    ...(o.keepMonthly === undefined ? {} : { monthly: o.keepMonthly }),
    ...(o.keepYearly === undefined ? {} : { yearly: o.keepYearly }),
  };
  if (Object.keys(keep).length === 0)
    throw new UsageError('Give at least one keep rule (--keep-last, --keep-daily …): pruning without one would remove every restore point.');
  return keep;
}

/** What prune decided, one line per restore point with its reasons. */
type Subject = { name: string; cloud: string | null; project: string | null };

/** "web-1 (lab/demo)": what restore points are of, with the cloud and project when known. */
const subjectText = (s: Subject): string => `${s.name}${s.cloud ? ` (${s.cloud}${s.project ? `/${s.project}` : ''})` : ''}`;

/** The prune decisions; with the catalog, what each restore point is of by name (a folder alone has no names). */
export function printDecisions(
  groups: { subject?: Subject; decisions: { id: string; keep: boolean; reasons: string[] }[] }[],
  dryRun: boolean,
  out: (s: string) => void,
): void {
  const rows = groups.flatMap((g) =>
    g.decisions.map((d) => [d.keep ? 'keep' : dryRun ? 'would remove' : 'remove', ...(g.subject ? [subjectText(g.subject)] : []), d.id, d.reasons.join('; ')]),
  );
  table(rows, out);
}

export function register(program: Command, ctx: CliContext): Command {
  const dest = program
    .command('destination')
    .description('where backups go: the destinations this installation knows, and their upkeep (verify, prune, gc run as jobs)')
    .addHelpText(
      'after',
      '\nNAME is a destination this installation knows (backstack destination list).\n' +
        'Without the catalog (disaster recovery, scripts): backstack destination folder --help',
    );

  /** Starts a job, follows it to its end (log on stderr), prints its summary or, with --json, the job. */
  const runJob = async (core: Core, started: { jobId: string }, json: boolean | undefined) => {
    const job = await followJob(core, started.jobId, ctx);
    if (json) printJson(job, ctx.out);
    else ctx.out(`${job.summary ?? `Job ${job.id} ${job.state}.`}\n`);
  };

  dest
    .command('create')
    .description('create a destination in an empty or new folder (deduplicated, compressed, optionally encrypted)')
    .argument('<name>', 'a name for it')
    .argument('<dir>', 'an empty or new folder')
    .option('--passphrase-stdin', 'encrypt it; read the passphrase (at least 8 characters) from standard input')
    .option('--compression-level <n>', 'zstd level, 1 (fastest) to 19 (smallest); default 3', wholeNumber('--compression-level'))
    .option('--json', 'print JSON (the recovery key included)')
    .action(async (name: string, dir: string, o: { passphraseStdin?: boolean; compressionLevel?: number; json?: boolean }) => {
      const passphrase = o.passphraseStdin ? await readStdin(ctx.stdin) : undefined;
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(
          await core.api.invoke('destinations.create', {
            name,
            path: path.resolve(dir),
            ...(passphrase === undefined ? {} : { passphrase }),
            ...(o.compressionLevel === undefined ? {} : { compressionLevel: o.compressionLevel }),
          }),
        );
        if (o.json) return printJson(r, ctx.out);
        ctx.out(`Destination "${r.destination.name}" created in ${r.destination.path}${r.destination.isDefault ? ' (the default one)' : ''}.\n`);
        if (r.recoveryKey)
          ctx.out(`\nRecovery key (opens the destination without the passphrase; shown once — store it away from this machine):\n  ${r.recoveryKey}\n`);
      });
    });

  dest
    .command('add')
    .description('add an existing destination (another workstation’s, or after a reinstall) and index its restore points')
    .argument('<name>', 'a name for it')
    .argument('<dir>', 'the destination folder')
    .option('--passphrase-stdin', 'read the passphrase of an encrypted destination from standard input')
    .option('--json', 'print JSON')
    .action(async (name: string, dir: string, o: { passphraseStdin?: boolean; json?: boolean }) => {
      const passphrase = o.passphraseStdin ? await readStdin(ctx.stdin) : undefined;
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('destinations.add', { name, path: path.resolve(dir), ...(passphrase ? { passphrase } : {}) }));
        if (o.json) return printJson(r, ctx.out);
        ctx.out(`Destination "${r.name}" added (${r.path}). Its restore points: backstack backup list --destination ${r.name}\n`);
      });
    });

  dest
    .command('list')
    .description('list the destinations')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('destinations.list', {}));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length) return ctx.out('No destination yet. Create one: backstack destination create NAME DIR\n');
        table(
          [
            ['NAME', 'PATH', 'ENCRYPTED', 'DEFAULT', 'GARBAGE COLLECTION'],
            ...items.map((r) => [r.name, r.path, r.encrypted ? 'yes' : 'no', r.isDefault ? 'yes' : '', r.gcSchedule ? describeSchedule(r.gcSchedule) : 'by hand']),
          ],
          ctx.out,
        );
      });
    });

  dest
    .command('gc-schedule')
    .description('when unused chunks are removed by themselves (queued by the scheduler: the desktop app, its tray, or backstack serve)')
    .argument('<name>')
    .argument('<when>', '"sun 03:00", "daily 02:30", "monthly 1 03:00", a 5-field cron expression, or "off" (only by hand)')
    .option('--tz <zone>', 'IANA time zone of <when> (default: this machine’s)')
    .action(async (name: string, when: string, o: { tz?: string }) => {
      if (when.trim().toLowerCase() === 'off' && o.tz) throw new UsageError('--tz describes a schedule; "off" has none.');
      const schedule: ScheduleInput | null =
        when.trim().toLowerCase() === 'off'
          ? null
          : ({ id: 'gc', ...parseWhen(when), timeZone: o.tz ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC') } as ScheduleInput);
      await withCore(ctx, { runJobs: false }, async (core) => {
        const d = unwrap(await core.api.invoke('destinations.setGcSchedule', { id: name, schedule }));
        ctx.out(
          d.gcSchedule
            ? `Garbage collection of "${d.name}": ${describeSchedule(d.gcSchedule)}; next ${d.nextGcAt}.\n`
            : `Garbage collection of "${d.name}" runs only by hand now: backstack destination gc ${d.name}\n`,
        );
      });
    });

  dest
    .command('default')
    .description('make a destination the default one (where backups go unless told otherwise)')
    .argument('<name>')
    .action(async (name: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const d = unwrap(await core.api.invoke('destinations.setDefault', { id: name }));
        ctx.out(`Backups now go to "${d.name}" unless told otherwise.\n`);
      });
    });

  dest
    .command('remove')
    .description('forget a destination and its stored passphrase (the folder and its restore points are left as they are)')
    .argument('<name>')
    .action(async (name: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        unwrap(await core.api.invoke('destinations.remove', { id: name }));
        ctx.out(`Destination "${name}" forgotten; its folder is untouched (add it back with: backstack destination add NAME DIR).\n`);
      });
    });

  dest
    .command('stats')
    .description('usage: restore points, stored and logical bytes, reduction ratio')
    .argument('<name>')
    .option('--json', 'print JSON (with the growth per restore point)')
    .action(async (name: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const s = unwrap(await core.api.invoke('destinations.getStats', { id: name }));
        if (o.json) return printJson(s, ctx.out);
        table(
          [
            ['restore points', String(s.backups)],
            ['groups', String(s.groups)],
            ['chunks', String(s.chunks)],
            ['stored', formatBytes(s.storedBytes)],
            ['logical', formatBytes(s.logicalBytes)],
            ['reduction', `${s.reductionRatio.toFixed(2)}x`],
          ],
          ctx.out,
        );
      });
    });

  dest
    .command('verify')
    .description('re-read every chunk and check its digest, as a job; fails naming the damaged restore points')
    .argument('<name>')
    .option('--backup <id>', 'only this restore point')
    .option('--json', 'print the finished job as JSON')
    .action(async (name: string, o: { backup?: string; json?: boolean }) => {
      await withCore(ctx, {}, async (core) => {
        await runJob(core, unwrap(await core.api.invoke('destinations.startVerify', { id: name, ...(o.backup ? { backupId: o.backup } : {}) })), o.json);
      });
    });

  withKeepRules(
    dest
      .command('prune')
      .description('remove the restore points no keep rule keeps, as a job (protected ones stay; gc frees their space)')
      .argument('<name>'),
  )
    .option('--dry-run', 'say what would be kept and removed, and why; remove nothing')
    .option('--json', 'print JSON: the decisions with --dry-run, else the finished job')
    .action(async (name: string, o: KeepOptions & { dryRun?: boolean; json?: boolean }) => {
      const keep = keepRules(o);
      await withCore(ctx, { runJobs: !o.dryRun }, async (core) => {
        if (!o.dryRun) return runJob(core, unwrap(await core.api.invoke('destinations.startPrune', { id: name, keep })), o.json);
        const preview = unwrap(await core.api.invoke('destinations.previewPrune', { id: name, keep }));
        if (o.json) return printJson(preview, ctx.out);
        printDecisions(preview.groups, true, ctx.out);
        ctx.out(`Would remove ${preview.removed.length}, keep ${preview.kept.length}.\n`);
      });
    });

  for (const [verb, request, description] of [
    ['gc', 'destinations.startGc', 'delete the chunks no restore point uses, as a job (safe while backups run)'],
    ['reindex', 'destinations.startReindex', "rebuild the catalog's index of a destination's restore points from what it holds, as a job"],
  ] as const) {
    dest
      .command(verb)
      .description(description)
      .argument('<name>')
      .option('--json', 'print the finished job as JSON')
      .action(async (name: string, o: { json?: boolean }) => {
        await withCore(ctx, {}, async (core) => runJob(core, unwrap(await core.api.invoke(request, { id: name })), o.json));
      });
  }

  return dest;
}
