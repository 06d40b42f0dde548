import fs from 'node:fs';
import type { Command } from 'commander';
import type { EngineProgress, ExtentSink, ExtentSource } from '../../engine';
import type { CliContext } from '../context';
import { formatBytes, printJson, UsageError, wholeNumber } from '../output';
import { openFolder, type SecretOptions, withSecrets } from './folder-open';

/** Progress on stderr, once a second, so stdout stays clean for --json and pipes. */
const progressPrinter =
  (err: (s: string) => void) =>
  (p: EngineProgress): void => {
    const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    err(
      `${p.phase} ${p.disk ?? ''} ${pct}%  read ${formatBytes(p.bytesRead)}  new ${formatBytes(p.bytesNew)}  stored ${formatBytes(p.bytesStored)}  ${formatBytes(p.rate)}/s\n`,
    );
  };

interface BackupOptions extends SecretOptions {
  image: string;
  id: string;
  disk: string;
  size?: number;
  changedExtents?: string;
  parent?: string;
  compressionLevel?: number;
  metadata?: string;
  progress?: boolean;
  json?: boolean;
}

interface RestoreOptions extends SecretOptions {
  id: string;
  backup: string;
  disk?: string;
  out: string;
  blockDevice?: boolean;
  assumeZeroed?: boolean;
  sparse: boolean;
  progress?: boolean;
  json?: boolean;
}

/** Raw disk images in and out of a destination folder (`destination folder disk-backup|disk-restore`). */
export function registerDisk(folder: Command, ctx: CliContext): void {
  withSecrets(folder.command('disk-backup <dir>').description('back up a raw image, block device or standard input into the destination folder'))
    .requiredOption('--image <file>', 'raw image or block device to read; "-" for standard input (needs --size)')
    .requiredOption('--id <group>', 'what is backed up (volume or instance id); the restore points of one id form its history')
    .option('--disk <name>', 'the disk name within the restore point', 'disk')
    .option('--size <bytes>', 'the disk size (needed for --image -; default: the file or device size)', wholeNumber('--size'))
    .option('--changed-extents <file>', 'read only these extents (JSON [{offset,length}] or "offset length" lines); the rest comes from the parent')
    .option('--parent <backup>', '"latest" (default), a restore point id, or "none" for a full read')
    .option('--compression-level <n>', "zstd level for this backup (default: the destination's)", wholeNumber('--compression-level'))
    .option('--metadata <file>', 'JSON to store in the manifest (e.g. the OpenStack metadata)')
    .option('--progress', 'print progress to stderr')
    .option('--json', 'print the manifest as JSON')
    .action(async (dir: string, o: BackupOptions) => {
      const engine = await import('../../engine');
      let source: ExtentSource;
      if (o.image === '-') {
        if (o.size === undefined) throw new UsageError('Reading the image from standard input needs --size <bytes>.');
        if (o.passphraseStdin) throw new UsageError('Standard input carries the image: give the passphrase in BACKSTACK_PASSPHRASE or use --recovery-key-file.');
        source = engine.streamSource(ctx.stdin as AsyncIterable<Uint8Array>, o.size);
      } else source = engine.fileSource(o.image, o.size === undefined ? {} : { size: o.size });
      const changedExtents = o.changedExtents === undefined ? undefined : engine.parseChangedExtents(fs.readFileSync(o.changedExtents, 'utf8'));
      const metadata = o.metadata === undefined ? undefined : (JSON.parse(fs.readFileSync(o.metadata, 'utf8')) as Record<string, unknown>);
      const repo = await openFolder(dir, o, ctx);
      try {
        const started = performance.now();
        const m = await engine.backupDisk(repo, {
          group: o.id,
          name: o.disk,
          source,
          ...(changedExtents ? { changedExtents } : {}),
          parent: o.parent === 'none' ? null : (o.parent ?? 'latest'),
          sourceInfo: { kind: 'disk-image', image: o.image },
          ...(metadata ? { metadata } : {}),
          ...(o.compressionLevel === undefined ? {} : { compressionLevel: o.compressionLevel }),
          ...(o.progress ? { onProgress: progressPrinter(ctx.err), progressIntervalMs: 1000 } : {}),
        });
        if (o.json) return printJson(m, ctx.out);
        const secs = (performance.now() - started) / 1000;
        const t = m.totals;
        ctx.out(
          `Restore point ${m.id}: ${formatBytes(t.size)} disk, read ${formatBytes(t.bytesRead)}, new ${formatBytes(t.bytesNew)}, stored ${formatBytes(t.bytesStored)} in ${secs.toFixed(1)}s` +
            `${m.parent ? ` (on ${m.parent})` : ''}.\n`,
        );
      } finally {
        await repo.close();
      }
    });

  withSecrets(folder.command('disk-restore <dir>').description('restore a disk from the destination folder to a file, a block device or standard output'))
    .requiredOption('--id <group>', 'the group the restore point belongs to')
    .option('--backup <backup>', '"latest", a time or a restore point id', 'latest')
    .option('--disk <name>', 'the disk to restore (needed when the restore point has several)')
    .requiredOption('--out <file>', 'target file (written sparse, renamed into place when complete), device with --block-device, or "-" for stdout')
    .option('--block-device', 'the target is a block device: write in place')
    .option('--assume-zeroed', 'with --block-device: the device already reads as zeros, skip writing holes')
    .option('--no-sparse', 'with a file target: write holes as zeros')
    .option('--progress', 'print progress to stderr')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, o: RestoreOptions, cmd: Command) => {
      if (o.assumeZeroed && !o.blockDevice) throw new UsageError('--assume-zeroed goes with --block-device.');
      if (cmd.getOptionValueSource('sparse') === 'cli' && (o.blockDevice || o.out === '-')) throw new UsageError('--no-sparse applies to a file target only.');
      const engine = await import('../../engine');
      let sink: ExtentSink;
      if (o.out === '-') sink = engine.streamSink(process.stdout);
      else if (o.blockDevice) sink = engine.blockDeviceSink(o.out, { zeroHoles: !o.assumeZeroed });
      else sink = engine.fileSink(o.out, { sparse: o.sparse });
      const repo = await openFolder(dir, o, ctx);
      // With --out -, stdout carries the disk: what people read goes to stderr.
      const say = o.out === '-' ? ctx.err : ctx.out;
      try {
        const r = await engine.restoreDisk(repo, {
          group: o.id,
          backup: o.backup,
          ...(o.disk ? { disk: o.disk } : {}),
          sink,
          ...(o.progress ? { onProgress: progressPrinter(ctx.err), progressIntervalMs: 1000 } : {}),
        });
        if (o.json) return printJson(r, say);
        say(`Restored ${r.backup} disk ${r.disk} (${formatBytes(r.size)}, ${formatBytes(r.bytesWritten)} of data) to ${o.out}.\n`);
      } finally {
        await repo.close();
      }
    });
}
