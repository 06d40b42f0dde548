import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { printJson, table, unwrap } from '../output';
import { readStdin } from '../read-input';
import { followJob } from '../wait-job';

const collect = (v: string, all: string[] = []) => [...all, v];

/** Copies of restore points in S3-compatible object storage: targets, copy, pull back. */
export function register(program: Command, ctx: CliContext): void {
  const copy = program
    .command('copy')
    .description('copies of restore points in S3-compatible object storage (AWS S3, Ceph RGW, MinIO): offsite, optionally immutable (Object Lock)');
  const target = copy.command('target').description('the buckets copies go to');

  target
    .command('add')
    .description('add a bucket as a copy target (the secret key is read from standard input and sealed in the catalog)')
    .argument('<name>')
    .requiredOption('--endpoint <url>', 'the S3 endpoint, e.g. https://s3.example.com or http://127.0.0.1:7480')
    .requiredOption('--bucket <bucket>', 'an existing bucket (with Object Lock enabled for --lock)')
    .option('--prefix <prefix>', 'key prefix inside the bucket (one repository per prefix)', '')
    .option('--region <region>', 'region', 'us-east-1')
    .option('--virtual-host-style', 'address the bucket as a host name (AWS) instead of in the path (RGW, MinIO)')
    .requiredOption('--access-key <id>', 'access key id')
    .requiredOption('--secret-key-stdin', 'read the secret key from standard input')
    .option('--lock <mode>', 'lock every copied object: governance or compliance (compliance: not even the bucket owner can delete before the date)')
    .option('--lock-days <days>', 'how long each copied restore point stays locked', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        o: {
          endpoint: string;
          bucket: string;
          prefix: string;
          region: string;
          virtualHostStyle?: boolean;
          accessKey: string;
          lock?: string;
          lockDays?: number;
          json?: boolean;
        },
      ) => {
        if ((o.lock === undefined) !== (o.lockDays === undefined))
          throw new AppError('validation.invalidInput', 'Give --lock and --lock-days together.');
        if (o.lock !== undefined && o.lock !== 'governance' && o.lock !== 'compliance')
          throw new AppError('validation.invalidInput', '--lock is governance or compliance.');
        const secretAccessKey = await readStdin(ctx.stdin);
        if (!secretAccessKey) throw new AppError('validation.invalidInput', 'No secret key on standard input.');
        await withCore(ctx, { runJobs: false }, async (core) => {
          const t = unwrap(
            await core.api.invoke('copies.addTarget', {
              name,
              endpoint: o.endpoint,
              bucket: o.bucket,
              prefix: o.prefix,
              region: o.region,
              forcePathStyle: !o.virtualHostStyle,
              accessKeyId: o.accessKey,
              secretAccessKey,
              lock: o.lock ? { mode: o.lock as 'governance' | 'compliance', days: o.lockDays! } : null,
            }),
          );
          if (o.json) return printJson(t, ctx.out);
          ctx.out(
            `Copy target ${t.name} added: ${t.endpoint} bucket ${t.bucket}${t.prefix ? ` prefix ${t.prefix}/` : ''}${t.lock ? `, locked (${t.lock.mode}) ${t.lock.days} days` : ''}.\nTry it: backstack copy target test ${t.name}\n`,
          );
        });
      },
    );

  target
    .command('list')
    .description('the copy targets')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('copies.listTargets', {}));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length)
          return ctx.out('No copy target. Add one: backstack copy target add NAME --endpoint URL --bucket B --access-key K --secret-key-stdin\n');
        table(
          [
            ['NAME', 'ENDPOINT', 'BUCKET', 'PREFIX', 'LOCK'],
            ...items.map((t) => [t.name, t.endpoint, t.bucket, t.prefix, t.lock ? `${t.lock.mode} ${t.lock.days} d` : '']),
          ],
          ctx.out,
        );
      });
    });

  target
    .command('test')
    .description('write, read back and delete a probe object; say whether Object Lock is on')
    .argument('<name>')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('copies.testTarget', { id: name }));
        if (o.json) printJson(r, ctx.out);
        else if (r.ok) ctx.out(`${r.message}\n`);
        // exit 1 with what is wrong and what to do
        if (!r.ok) throw new AppError('validation.invalidInput', r.message);
      });
    });

  target
    .command('remove')
    .description('forget a copy target (what it holds stays in the bucket)')
    .argument('<name>')
    .action(async (name: string) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        unwrap(await core.api.invoke('copies.removeTarget', { id: name }));
        ctx.out(`Copy target ${name} removed; the objects in its bucket stay.\n`);
      });
    });

  copy
    .command('run')
    .description('copy restore points of a destination to a target: only the chunks it lacks, each restore point visible there once whole')
    .requiredOption('--to <target>', 'copy target name')
    .option('--from <destination>', 'destination name (default: the default destination)')
    .option('--backup <id>', 'a restore point (repeatable; default: all)', collect)
    .option('--instance <id>', 'only the restore points of this instance or volume')
    .option('--json', 'print the job as JSON')
    .action(async (o: { to: string; from?: string; backup?: string[]; instance?: string; json?: boolean }) => {
      await withCore(ctx, {}, async (core) => {
        const destinationId = o.from ?? unwrap(await core.api.invoke('destinations.list', {})).items.find((d) => d.isDefault)?.id;
        if (!destinationId) throw new AppError('validation.invalidInput', 'No default destination: give --from DESTINATION.');
        const { jobId } = unwrap(
          await core.api.invoke('copies.start', {
            destinationId,
            targetId: o.to,
            ...(o.backup ? { backupIds: o.backup } : {}),
            ...(o.instance ? { resourceId: o.instance } : {}),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        if (o.json) return printJson(job, ctx.out);
        ctx.out(`${job.summary ?? 'Copied.'}\n`);
      });
    });

  copy
    .command('pull')
    .description(
      'pull restore points of a copy back into a folder: an empty one (then add it as a destination) or the destination they came from (re-indexed)',
    )
    .requiredOption('--from <target>', 'copy target name')
    .requiredOption('--to <dir>', 'absolute path of the folder')
    .option('--backup <id>', 'a restore point (repeatable; default: all)', collect)
    .option('--json', 'print the job as JSON')
    .action(async (o: { from: string; to: string; backup?: string[]; json?: boolean }) => {
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(
          await core.api.invoke('copies.startPull', { targetId: o.from, path: o.to, ...(o.backup ? { backupIds: o.backup } : {}) }),
        );
        const job = await followJob(core, jobId, ctx);
        if (o.json) return printJson(job, ctx.out);
        ctx.out(`${job.summary ?? 'Pulled.'}\n`);
      });
    });
}
