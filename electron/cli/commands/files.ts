import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { modeString, type FileDisk, type FileEntry, type FilesTarget, type FileVolume } from '../../../shared/domain/files';
import type { Core } from '../../core/create-core';
import type { Conflict, ExtractReport, RestorePointFiles } from '../../filesystems';
import { withCore, type CliContext } from '../context';
import { formatBytes, printJson, table, unwrap, UsageError, wholeNumber } from '../output';
import { holderOf } from './backup';
import { destinationId } from './destination';
import { registerSearch } from './files-search';
import { openFolder, type SecretOptions, withSecrets } from './folder-open';
import { followJob } from '../wait-job';

interface WhereOptions extends SecretOptions {
  backup?: string;
  destination?: string;
  repo?: string;
  id?: string;
  disk?: string;
  partition?: number;
  lv?: string;
  json?: boolean;
}

interface GetOptions extends WhereOptions {
  out: string;
  overwrite?: boolean;
  rename?: boolean;
  skip?: boolean;
}

/** What a command does with the restore point, whichever way it was named. */
interface Access {
  volumes(): Promise<FileDisk[]>;
  list(path: string): Promise<{ volume: FileVolume; path: string; entries: FileEntry[] }>;
  get(paths: string[], opts: { out: string; conflict: Conflict; signal: AbortSignal }): Promise<ExtractReport>;
}

const where = (c: Command): Command =>
  withSecrets(
    c
      .option('--backup <id>', 'restore point id (from backstack backup list); with --repo: "latest" (default), a time or an id')
      .option('--destination <name>', 'the destination holding it (default: the one the catalog indexes it in)')
      .option('--repo <dir>', 'a destination folder, read without the catalog (disaster recovery); needs --id')
      .option('--id <group>', 'with --repo: what was backed up (instance or volume id)')
      .option('--disk <name>', "the disk (vda …); default: the restore point's only disk")
      .option('--partition <n>', 'the partition number (as Linux numbers them: 1–4, logical from 5); default: the only browsable one', wholeNumber('--partition'))
      .option('--lv <name>', 'an LVM2 logical volume (LV or VG/LV)'),
  );

/** Runs `fn` on the restore point: from the catalog (through the core) or from a bare destination folder. */
async function withRestorePoint<T>(o: WhereOptions, ctx: CliContext, fn: (a: Access) => Promise<T>): Promise<T> {
  if (o.repo) {
    if (!o.id) throw new UsageError('--repo needs --id GROUP (what was backed up): list them with backstack destination folder list DIR.');
    if (o.destination) throw new UsageError('--destination names a destination of the catalog: use it without --repo.');
    const [engine, filesystems] = await Promise.all([import('../../engine'), import('../../filesystems')]);
    const repo = await openFolder(o.repo, o, ctx);
    let files: RestorePointFiles | undefined;
    try {
      const m = await engine.findBackup(repo, o.id, o.backup ?? 'latest');
      const opened = new filesystems.RestorePointFiles(m.id, m.disks, async (disk) =>
        filesystems.readAhead(await engine.openDiskReader(repo, { group: m.group, backup: m.id, disk, cacheChunks: 8 }), m.disks.find((d) => d.name === disk)?.chunkSize ?? 0),
      );
      files = opened;
      const tree = async () => (await opened.tree(o.disk, o.partition, o.lv)).tree;
      return await fn({
        volumes: async () => {
          const out: FileDisk[] = [];
          for (const d of opened.disks) out.push({ name: d.name, size: d.size, ...(await opened.layout(d.name)) });
          return out;
        },
        list: async (path) => ({ volume: (await opened.tree(o.disk, o.partition, o.lv)).volume, ...(await (await tree()).list(path)) }),
        get: async (paths, x) => filesystems.extract(await tree(), paths, x),
      });
    } finally {
      await files?.close();
      await repo.close();
    }
  }
  if (!o.backup) throw new UsageError('Name the restore point with --backup ID (from backstack backup list), or a destination folder with --repo DIR --id GROUP.');
  if (o.id) throw new UsageError('--id goes with --repo.');
  const backupId = o.backup;
  return withCore(ctx, { runJobs: false }, async (core: Core) => {
    const t = await catalogTarget(core, o, backupId);
    return fn({
      volumes: async () => unwrap(await core.api.invoke('files.volumes', { backupId, destinationId: t.destinationId })).disks,
      list: async (path) => unwrap(await core.api.invoke('files.list', { ...t, path })),
      get: (paths, x) => core.services.files.extract({ ...t, paths }, x),
    });
  });
}

/** The restore point of the catalog the options name, with its destination. */
async function catalogTarget(core: Core, o: WhereOptions, backupId: string): Promise<FilesTarget> {
  return {
    backupId,
    destinationId: o.destination ? await destinationId(core, o.destination) : await holderOf(core, backupId, undefined),
    ...(o.disk ? { disk: o.disk } : {}),
    ...(o.partition !== undefined ? { partition: o.partition } : {}),
    ...(o.lv ? { lv: o.lv } : {}),
  };
}

export function register(program: Command, ctx: CliContext): void {
  const files = program
    .command('files')
    .description("file-level restore: browse a restore point's disks and copy files out, without root and without mounting")
    .addHelpText(
      'after',
      '\nPaths are from the root of the file system. Names that are not printable UTF-8 are shown\n' +
        'with \\xNN for each such byte (and a backslash as \\\\); give them back the same way.\n' +
        'Symbolic links are shown with their target and never followed.',
    );

  where(files.command('volumes').description('the disks of a restore point: partition tables, and what each partition holds'))
    .option('--json', 'print JSON')
    .action(async (o: WhereOptions) => {
      await withRestorePoint(o, ctx, async (a) => {
        const disks = await a.volumes();
        if (o.json) return printJson(disks, ctx.out);
        for (const d of disks) {
          ctx.out(`${d.name}: ${formatBytes(d.size)}, ${d.scheme === 'none' ? 'no partition table' : `${d.scheme.toUpperCase()} partition table`}\n`);
          for (const p of d.problems) ctx.out(`  note: ${p}\n`);
          table(
            [
              ['VOLUME', 'PARTITION', 'SIZE', 'TYPE', 'LABEL', 'FILE SYSTEM', 'NOTE'],
              ...d.volumes.map((v) => [v.name, v.partition === null ? '-' : String(v.partition), formatBytes(v.size), v.type ?? '', v.label ?? '', v.fileSystem ?? '-', v.note ?? '']),
            ],
            (s) => ctx.out(`  ${s}`),
          );
        }
      });
    });

  where(files.command('ls [path]').description('list a folder of a restore point (or the one file a path names)'))
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, o: WhereOptions) => {
      await withRestorePoint(o, ctx, async (a) => {
        const listed = await a.list(path ?? '/');
        if (o.json) return printJson(listed, ctx.out);
        const entries = [...listed.entries].sort((x, y) => (x.type === 'dir' ? 0 : 1) - (y.type === 'dir' ? 0 : 1) || x.name.localeCompare(y.name));
        if (!entries.length) return ctx.out(`${listed.path} is empty.\n`);
        table(
          entries.map((e) => [modeString(e), `${e.uid}:${e.gid}`, e.type === 'dir' ? '-' : String(e.size), e.mtime.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.target === null ? e.name : `${e.name} -> ${e.target}`]),
          ctx.out,
        );
      });
    });

  where(files.command('get <path...>').description('copy files and folders of a restore point into a local folder'))
    .requiredOption('--out <dir>', 'the local folder to write into (created if missing); nothing is written outside it')
    .option('--overwrite', 'replace files that exist in --out (a folder in the way is never replaced)')
    .option('--rename', 'write next to files that exist, as NAME.restored (-2, -3 …)')
    .option('--skip', 'keep files that exist, and say which (the default)')
    .option('--json', 'print what was done as JSON')
    .action(async (paths: string[], o: GetOptions) => {
      if ([o.overwrite, o.rename, o.skip].filter(Boolean).length > 1) throw new UsageError('Choose one of --overwrite, --rename and --skip.');
      const conflict = o.overwrite ? 'overwrite' : o.rename ? 'rename' : 'skip';
      // Ctrl-C stops between pieces: the file being written is removed, never left under its name.
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const r = await withRestorePoint(o, ctx, (a) => a.get(paths, { out: o.out, conflict, signal: abort.signal }));
        if (o.json) printJson(r, ctx.out);
        else {
          ctx.out(`Restored ${r.files} file(s) (${formatBytes(r.bytes)}), ${r.folders} folder(s), ${r.symlinks} link(s) into ${o.out}.\n`);
          for (const x of r.renamed) ctx.out(`  ${x.path}: exists, written as ${x.as}\n`);
          for (const s of r.skipped) ctx.out(`  ${s.path}: not restored: ${s.reason}\n`);
        }
        const refused = r.skipped.filter((s) => s.kind === 'refused').length;
        if (refused) throw new AppError('validation.invalidInput', `${refused} entr${refused === 1 ? 'y was' : 'ies were'} not restored (listed above).`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  where(files.command('restore <path...>').description('write files and folders of a restore point back into a running instance, through its QEMU guest agent'))
    .requiredOption('--to-instance <id>', 'the instance to write into: running, with qemu-guest-agent (image property hw_qemu_guest_agent=yes)')
    .option('--provider <name>', "the instance's cloud (default: the restore point's, else the one whose inventory has it)")
    .option('--guest-path <dir>', 'the folder of the guest to write into (default: each entry back into the folder it was in)')
    .option('--overwrite', 'replace what is in the way (default: keep it as NAME.orig)')
    .option('--json', 'print the finished job as JSON')
    .addHelpText(
      'after',
      '\nEach file is written under a temporary name and moved into place when complete: Ctrl-C or a failure\n' +
        'leaves no partial file under its name. Needs guest-exec allowed in the guest (folders, moves, owner,\n' +
        'mode and time), and SSH settings for the hypervisor it runs on (backstack hypervisor ssh).',
    )
    .action(async (paths: string[], o: WhereOptions & { toInstance: string; provider?: string; guestPath?: string; overwrite?: boolean }) => {
      if (o.repo) throw new UsageError('--to-instance reads the restore point from the catalog: add the folder as a destination (backstack destination add NAME DIR), then name the restore point with --backup ID.');
      if (!o.backup) throw new UsageError('Name the restore point with --backup ID (from backstack backup list).');
      const backupId = o.backup;
      await withCore(ctx, {}, async (core) => {
        const t = await catalogTarget(core, o, backupId);
        const providerId = o.provider ? unwrap(await core.api.invoke('providers.list', {})).items.find((p) => p.id === o.provider || p.name === o.provider)?.id : undefined;
        if (o.provider && !providerId) throw new UsageError(`No cloud "${o.provider}": list them with backstack provider list.`);
        const { jobId } = unwrap(
          await core.api.invoke('files.startRestoreToGuest', {
            ...t,
            paths,
            instanceId: o.toInstance,
            ...(providerId ? { providerId } : {}),
            ...(o.guestPath ? { guestPath: o.guestPath } : {}),
            overwrite: Boolean(o.overwrite),
          }),
        );
        const job = await followJob(core, jobId, ctx);
        if (o.json) printJson(job, ctx.out);
        else ctx.out(`${job.summary ?? 'Done.'}\n`);
      });
    });
  registerSearch(files, ctx);
}
