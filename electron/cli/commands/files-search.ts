import type { Command } from 'commander';
import type { FileSearchHit } from '../../../shared/domain/files-search';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, unwrap, UsageError, wholeNumber } from '../output';
import { followJob } from '../wait-job';
import { holderOf } from './backup';
import { destinationId } from './destination';

/** `backstack files index` and `backstack files search`: the file indexes kept with restore points, and search across them. */
export function registerSearch(files: Command, ctx: CliContext): void {
  files
    .command('index')
    .description('index the files of restore points now (done after each backup; for older ones, or to index again)')
    .option('--backup <id>', 'the restore point (from backstack backup list)')
    .option('--destination <name>', 'the destination holding it (default: the one the catalog indexes it in)')
    .option('--missing', 'every restore point in the catalog without an index (with --instance: of that instance)')
    .option('--instance <id>', 'with --missing: only this instance (or volume) id')
    .option('--force', 'index again a restore point that has an index')
    .option('--json', 'print the jobs as JSON')
    .action(async (o: { backup?: string; destination?: string; missing?: boolean; instance?: string; force?: boolean; json?: boolean }) => {
      if (!o.backup === !o.missing) throw new UsageError('Name a restore point with --backup ID, or index all those without an index with --missing.');
      if (o.instance && !o.missing) throw new UsageError('--instance goes with --missing.');
      await withCore(ctx, {}, async (core) => {
        let points: { backupId: string; destinationId: string }[];
        if (o.backup) {
          const holder = o.destination ? await destinationId(core, o.destination) : await holderOf(core, o.backup, undefined);
          points = [{ backupId: o.backup, destinationId: holder }];
        } else {
          const listed = unwrap(await core.api.invoke('backups.list', o.instance ? { resourceId: o.instance } : {})).items;
          points = listed.map((b) => ({ backupId: b.id, destinationId: b.destinationId }));
          if (!points.length) return ctx.out(`No restore point${o.instance ? ` of ${o.instance}` : ''} in the catalog.\n`);
        }
        const { jobIds } = unwrap(await core.api.invoke('files.startIndex', { restorePoints: points, ...(o.force ? { force: true } : {}) }));
        const jobs = [];
        for (const id of jobIds) {
          const job = await followJob(core, id, ctx);
          jobs.push(job);
          if (!o.json) ctx.out(`${job.summary ?? `Job ${job.id} ${job.state}.`}\n`);
        }
        if (o.json) printJson(jobs, ctx.out);
      });
    });

  files
    .command('search <pattern>')
    .description('find files by name, glob or path across the indexed restore points; each path once, with its versions')
    .option('--instance <id>', 'only restore points of this instance (or volume) id')
    .option('--project <id>', 'only restore points of instances of this project id')
    .option('--limit <n>', 'list at most this many paths (default 200, at most 1000)', wholeNumber('--limit'))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nPATTERN (case-insensitive):\n' +
        '  nginx              names holding "nginx"\n' +
        '  "*.conf", "nginx*"   a glob on the name (* ? [a-z]; quote it for the shell)\n' +
        '  nginx/sites        a part of a path\n' +
        '  "etc/**/*.conf"    a glob on the path, at any depth; from the root when it starts with /\n' +
        'Names that are not printable UTF-8 are shown with \\xNN, as backstack files ls shows them.',
    )
    .action(async (pattern: string, o: { instance?: string; project?: string; limit?: number; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(
          await core.api.invoke('files.search', {
            pattern,
            ...(o.instance ? { instanceId: o.instance } : {}),
            ...(o.project ? { projectId: o.project } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
          }),
        );
        if (o.json) return printJson(r, ctx.out);
        for (const h of r.hits) printHit(h, ctx.out);
        const listed = r.truncated ? `the first ${r.hits.length} of ${r.total} paths` : `${r.total} path${r.total === 1 ? '' : 's'}`;
        ctx.out(`${r.total ? `${listed} found` : 'Nothing found'} in ${r.restorePoints} restore point${r.restorePoints === 1 ? '' : 's'} (${r.entries} entries) in ${r.tookMs} ms.\n`);
        if (r.truncated) ctx.out('Narrow the pattern (or give --limit) to see the rest.\n');
        if (r.notIndexedCount)
          ctx.out(`${r.notIndexedCount} restore point${r.notIndexedCount === 1 ? ' is' : 's are'} not indexed yet: backstack files index --missing${o.instance ? ` --instance ${o.instance}` : ''}\n`);
        for (const u of r.unreadable) ctx.out(`${u.backupId}: not searched: ${u.reason}\n`);
      });
    });
}

/** A path and its versions, oldest first; "changed" marks a version that differs from the restore point before. */
function printHit(h: FileSearchHit, out: (s: string) => void): void {
  out(`${h.instanceName}  ${h.volume}:${h.path}\n`);
  for (const v of h.versions) {
    const first = v.restorePoints[0]!.backupId;
    const last = v.restorePoints[v.restorePoints.length - 1]!.backupId;
    const where = v.restorePoints.length === 1 ? first : `${v.restorePoints.length} restore points, ${first} … ${last}`;
    const size = v.type === 'dir' ? 'folder' : v.type === 'file' ? formatBytes(v.size) : v.type;
    out(`  ${v.changed ? 'changed' : '       '}  ${size.padStart(10)}  ${v.mtime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${where}\n`);
  }
}
