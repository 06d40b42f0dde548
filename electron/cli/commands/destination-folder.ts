import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import type { CliContext } from '../context';
import { formatBytes, printJson, table, UsageError, wholeNumber } from '../output';
import { stdinLine } from '../read-input';
import { keepRules, printDecisions, withKeepRules, type KeepOptions } from './destination';
import { passphraseFrom, type SecretOptions, usingFolder, withSecrets } from './folder-open';
import { registerDisk } from './folder-disk';

/**
 * `destination folder …`: the engine on a destination's folder, without the catalog — for
 * disaster recovery after losing the workstation (the folder and a passphrase or recovery key
 * are all it takes) and for scripts. Nothing here shows in Jobs or changes the catalog.
 */
export function register(dest: Command, ctx: CliContext): void {
  const folder = dest
    .command('folder')
    .description('work on a destination folder directly, without the catalog: disaster recovery after losing this workstation, scripts')
    .addHelpText(
      'after',
      '\nDIR is the destination folder. An encrypted one opens with --passphrase-stdin,\n' +
        'BACKSTACK_PASSPHRASE or --recovery-key-file. These commands neither use nor change\n' +
        'the catalog, and run in this process rather than as jobs.',
    );

  folder
    .command('init <dir>')
    .description('create a destination in an empty or new folder (use `destination create` to have the catalog know it)')
    .option('--encrypt', 'encrypt chunks and metadata (passphrase from --passphrase-stdin or BACKSTACK_PASSPHRASE)')
    .option('--passphrase-stdin', 'with --encrypt: read the passphrase from the first line of standard input')
    .option('--compression-level <n>', 'zstd level, 1 (fastest) to 19 (smallest); default 3', wholeNumber('--compression-level'))
    .option('--chunk-size <bytes>', 'chunk size in bytes (default 4 MiB)', wholeNumber('--chunk-size'))
    .option('--recovery-key-out <file>', 'with --encrypt: write the recovery key to this new file instead of printing it')
    .option('--json', 'print JSON')
    .action(
      async (dir: string, o: SecretOptions & { encrypt?: boolean; compressionLevel?: number; chunkSize?: number; recoveryKeyOut?: string; json?: boolean }) => {
        if (!o.encrypt && (o.passphraseStdin || o.recoveryKeyOut)) throw new UsageError('--passphrase-stdin and --recovery-key-out go with --encrypt.');
        const passphrase = o.encrypt ? await passphraseFrom(o, ctx) : undefined;
        if (o.encrypt && !passphrase) throw new UsageError('--encrypt needs a passphrase: pipe it with --passphrase-stdin or set BACKSTACK_PASSPHRASE.');
        const { initRepository } = await import('../../engine');
        const { config, recoveryKey } = await initRepository(dir, {
          ...(passphrase === undefined ? {} : { passphrase }),
          ...(o.compressionLevel === undefined ? {} : { compressionLevel: o.compressionLevel }),
          ...(o.chunkSize === undefined ? {} : { chunkSize: o.chunkSize }),
        });
        if (recoveryKey && o.recoveryKeyOut) fs.writeFileSync(o.recoveryKeyOut, recoveryKey + '\n', { mode: 0o600, flag: 'wx' });
        const shown = recoveryKey && !o.recoveryKeyOut ? recoveryKey : null;
        if (o.json) return printJson({ id: config.id, dir, encrypted: recoveryKey !== null, ...(shown ? { recoveryKey: shown } : {}) }, ctx.out);
        ctx.out(`Created a destination in ${dir}${recoveryKey ? ' (encrypted)' : ''}. Have the catalog know it with: backstack destination add NAME ${dir}\n`);
        if (shown) ctx.out(`Recovery key: ${shown}\n`);
        if (recoveryKey)
          ctx.err(
            `${o.recoveryKeyOut ? `The recovery key is in ${o.recoveryKeyOut}. ` : ''}Keep the recovery key somewhere safe and apart from the destination: ` +
              'without it or the passphrase the backups cannot be read by anyone, and with it anyone can.\n',
          );
      },
    );

  withSecrets(folder.command('list <dir>').description('list the restore points, read from the folder alone'))
    .option('--id <group>', 'only this group (instance, volume or disk id)')
    .option('--json', 'print JSON (the full manifests)')
    .action(async (dir: string, o: SecretOptions & { id?: string; json?: boolean }) => {
      const { listBackups } = await import('../../engine');
      await usingFolder(dir, o, ctx, async (r) => {
        const backups = await listBackups(r, o.id);
        if (o.json) return printJson(backups, ctx.out);
        if (!backups.length) return ctx.out(`No restore point in ${dir}${o.id ? ` for ${o.id}` : ''}.\n`);
        table(
          [
            ['RESTORE POINT', 'DISKS', 'SIZE', 'NEW', 'STORED'],
            ...backups.map((b) => [b.id, b.disks.map((d) => d.name).join(','), formatBytes(b.totals.size), formatBytes(b.totals.bytesNew), formatBytes(b.totals.bytesStored)]),
          ],
          ctx.out,
        );
      });
    });

  withSecrets(folder.command('info <dir>').description('usage: stored and logical bytes, reduction ratio'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { json?: boolean }) => {
      const { repositoryStats } = await import('../../engine');
      await usingFolder(dir, o, ctx, async (r) => {
        const s = await repositoryStats(r);
        if (o.json) return printJson({ id: r.config.id, encrypted: r.encrypted, chunkSize: r.chunkSize, compression: r.config.compression, ...s }, ctx.out);
        table(
          [
            ['id', r.config.id],
            ['encrypted', r.encrypted ? 'yes' : 'no'],
            ['restore points', String(s.backups)],
            ['chunks', String(s.chunks)],
            ['stored', formatBytes(s.storedBytes)],
            ['logical', formatBytes(s.logicalBytes)],
            ['reduction', `${s.reductionRatio.toFixed(2)}x`],
          ],
          ctx.out,
        );
      });
    });

  withSecrets(folder.command('verify <dir>').description('re-read and check every chunk; names damaged chunks and the restore points they break'))
    .option('--id <group>', 'only this group')
    .option('--backup <id>', 'only this restore point (time or group/time)')
    .option('--disk <name>', 'only this disk')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { id?: string; backup?: string; disk?: string; json?: boolean }) => {
      const { verifyRepository } = await import('../../engine');
      await usingFolder(dir, o, ctx, async (r) => {
        const group = o.id ?? (o.backup?.includes('/') ? o.backup.slice(0, o.backup.lastIndexOf('/')) : undefined);
        const report = await verifyRepository(r, { ...(group ? { group } : {}), ...(o.backup ? { backup: o.backup } : {}), ...(o.disk ? { disk: o.disk } : {}) });
        if (o.json) printJson(report, ctx.out);
        else {
          ctx.out(`Checked ${report.backupsChecked} restore points, ${report.chunksChecked} chunks (${formatBytes(report.bytesChecked)}).\n`);
          for (const p of report.problems)
            ctx.out(`${p.kind}${p.digest ? ` ${p.digest}` : ''}: ${p.detail}\n  affects: ${p.affects.map((a) => a.backup + (a.disk ? ` (${a.disk})` : '')).join(', ')}\n`);
        }
        if (!report.ok)
          throw new AppError(
            'destination.corrupt',
            `Verify found ${report.problems.length} problem(s). Restore the affected restore points from another destination, or take new full backups.`,
          );
      });
    });

  withSecrets(withKeepRules(folder.command('prune <dir>').description('remove the restore points no keep rule keeps (protected ones stay; gc frees their space)')))
    .option('--id <group>', 'only this group')
    .option('--utc', 'count periods in UTC instead of local time')
    .option('--dry-run', 'say what would be kept and removed, and why; remove nothing')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & KeepOptions & { id?: string; utc?: boolean; dryRun?: boolean; json?: boolean }) => {
      const keep = keepRules(o);
      const { pruneBackups } = await import('../../engine');
      await usingFolder(dir, o, ctx, async (r) => {
        const report = await pruneBackups(r, { keep, ...(o.id ? { group: o.id } : {}), dryRun: o.dryRun ?? false, utc: o.utc ?? false });
        if (o.json) return printJson(report, ctx.out);
        printDecisions(report.groups, report.dryRun, ctx.out);
        ctx.out(
          report.dryRun
            ? `Would remove ${report.removed.length}, keep ${report.kept.length}.\n`
            : `Removed ${report.removed.length}, kept ${report.kept.length}. Free their space with: backstack destination folder gc ${dir}\n`,
        );
      });
    });

  withSecrets(folder.command('gc <dir>').description('delete the chunks no restore point uses (safe while backups run)'))
    .option('--grace-minutes <n>', 'keep unused chunks younger than this, which a running backup may still reference (default 60)', wholeNumber('--grace-minutes'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { graceMinutes?: number; json?: boolean }) => {
      const { collectGarbage } = await import('../../engine');
      await usingFolder(dir, o, ctx, async (r) => {
        const report = await collectGarbage(r, o.graceMinutes === undefined ? {} : { graceMs: o.graceMinutes * 60_000 });
        if (o.json) return printJson(report, ctx.out);
        ctx.out(`Removed ${report.chunksRemoved} chunks (${formatBytes(report.bytesRemoved)}), kept ${report.chunksKept}, cleaned ${report.leftoversRemoved} leftovers.\n`);
        if (report.missingChunks.length > 0)
          ctx.out(`Warning: ${report.missingChunks.length} chunks used by restore points are missing: run backstack destination folder verify ${dir}\n`);
      });
    });

  const key = folder.command('key').description('the encryption key of a destination folder');
  withSecrets(key.command('export <dir>').description('print the recovery key, which opens the destination without the passphrase: keep it safe'))
    .option('--out <file>', 'write it to this new file (mode 600) instead of printing it')
    .action(async (dir: string, o: SecretOptions & { out?: string }) => {
      await usingFolder(dir, o, ctx, async (r) => {
        const text = r.recoveryKey();
        if (o.out) fs.writeFileSync(o.out, text + '\n', { mode: 0o600, flag: 'wx' });
        else ctx.out(text + '\n');
        ctx.err('Anyone with the recovery key can read every backup in this destination. Store it apart from the destination.\n');
      });
    });
  withSecrets(
    key
      .command('change-passphrase <dir>')
      .description('set a new passphrase (from BACKSTACK_NEW_PASSPHRASE, or the second line of standard input with --passphrase-stdin)'),
  ).action(async (dir: string, o: SecretOptions) => {
    const next = o.passphraseStdin ? await stdinLine(ctx.stdin, 1, 'the new passphrase') : ctx.env.BACKSTACK_NEW_PASSPHRASE;
    if (!next) throw new UsageError('Give the new passphrase in BACKSTACK_NEW_PASSPHRASE, or as the second line of standard input with --passphrase-stdin.');
    await usingFolder(dir, o, ctx, async (r) => {
      await r.changePassphrase(next);
      ctx.out(
        'Passphrase changed. The recovery key is unchanged.\n' +
          'If the catalog knows this destination, give it the new passphrase: backstack destination remove NAME, then backstack destination add NAME DIR --passphrase-stdin\n',
      );
    });
  });

  registerDisk(folder, ctx);
}
