import type { Command } from 'commander';
import type { SnapshotItem } from '../../../shared/domain/snapshots';
import { AppError } from '../../../shared/errors/app-error';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, table, unwrap } from '../output';
import { followJob } from '../wait-job';

const MADE_BY = { this: 'this installation', other: 'another installation' } as const;
const madeBy = (s: SnapshotItem) => (s.madeBy ? `${MADE_BY[s.madeBy]}${s.purpose === 'incremental' ? ' (kept for incrementals)' : ''}` : '');

/** Snapshots of an instance in the cloud (list, create, delete), and the one its last backup kept on its hypervisor. */
export function register(program: Command, ctx: CliContext): void {
  const snapshot = program
    .command('snapshot')
    .description(
      'snapshots of an instance in the cloud (images and volume snapshots), and the one this installation keeps on a hypervisor for incremental backups',
    );

  snapshot
    .command('list')
    .description('the instance snapshots (Glance images) of an instance and the snapshots of its volumes, newest first')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id')
    .option('--json', 'print JSON')
    .action(async (o: { provider: string; instance: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('snapshots.list', { providerId: o.provider, instanceId: o.instance }));
        if (o.json) return printJson(items, ctx.out);
        if (!items.length)
          return ctx.out(`No snapshot of this instance. Take one: backstack snapshot create --provider ${o.provider} --instance ${o.instance}\n`);
        table(
          [
            ['ID', 'KIND', 'NAME', 'STATUS', 'SIZE', 'CREATED', 'MADE BY'],
            ...items.map((s) => [
              s.id,
              s.kind === 'volume' ? `volume ${s.device ?? s.volumeId}` : 'instance',
              s.name,
              s.status,
              s.sizeBytes === null ? '' : formatBytes(s.sizeBytes),
              s.createdAt ?? '',
              madeBy(s),
            ]),
          ],
          ctx.out,
        );
      });
    });

  snapshot
    .command('create')
    .description('take a snapshot of an instance (Nova image) or of one of its volumes (Cinder), and wait until it is usable')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id')
    .option('--volume <id>', 'a volume attached to the instance (default: the instance itself)')
    .option('--name <name>', 'name of the snapshot (default: <instance>-snapshot-<time>)')
    .option('--json', 'print the finished job as JSON')
    .action(async (o: { provider: string; instance: string; volume?: string; name?: string; json?: boolean }) => {
      await withCore(ctx, {}, async (core) => {
        const { jobId } = unwrap(
          await core.api.invoke('snapshots.create', {
            providerId: o.provider,
            instanceId: o.instance,
            ...(o.name ? { name: o.name } : {}),
            ...(o.volume ? { volumeId: o.volume } : {}),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        if (o.json) return printJson(job, ctx.out);
        ctx.out(`${job.summary ?? 'Snapshot taken.'}\n`);
      });
    });

  snapshot
    .command('delete')
    .description('delete a snapshot of an instance (one another Backstack installation made is refused)')
    .argument('<snapshot-id>')
    .requiredOption('--provider <name>', 'cloud name or id')
    .requiredOption('--instance <id>', 'server id')
    .option('--confirm-incremental', 'delete it even when Backstack keeps it for the next incremental backup (that backup is then full)')
    .action(async (id: string, o: { provider: string; instance: string; confirmIncremental?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const { items } = unwrap(await core.api.invoke('snapshots.list', { providerId: o.provider, instanceId: o.instance }));
        const item = items.find((s) => s.id === id);
        if (!item)
          throw new AppError(
            'resource.notFound',
            `No snapshot ${id} of this instance. List them: backstack snapshot list --provider ${o.provider} --instance ${o.instance}`,
          );
        const r = unwrap(
          await core.api.invoke('snapshots.delete', {
            providerId: o.provider,
            instanceId: o.instance,
            kind: item.kind,
            id,
            confirmIncremental: o.confirmIncremental ?? false,
          }),
        );
        ctx.out(`Snapshot ${r.deleted} deleted.\n`);
      });
    });

  snapshot
    .command('release')
    .description(
      "remove this installation's kept RBD snapshots of an instance (and merge back an overlay an earlier version kept; other installations' are left alone); the next backup of its Ceph disks is full",
    )
    .requiredOption('--instance <id>', 'server id')
    .requiredOption('--provider <name>', 'cloud name or id')
    .option('--json', 'print JSON')
    .action(async (o: { instance: string; provider: string; json?: boolean }) => {
      await withCore(ctx, { runJobs: false }, async (core) => {
        const r = unwrap(await core.api.invoke('backups.releaseSnapshot', { providerId: o.provider, instanceId: o.instance }));
        if (o.json) return printJson(r, ctx.out);
        ctx.out(`${r.message}\n`);
        for (const line of r.released) ctx.out(`  released: ${line}\n`);
        for (const line of r.others) ctx.out(`  left alone: ${line}\n`);
        if (r.nextBackupFull) ctx.err('Warning: the next backup of its Ceph disks will be full.\n');
      });
    });
}
