import fs from 'node:fs';
import type { Command } from 'commander';
import {
  backupDisk,
  blockDeviceSink,
  type EngineProgress,
  type ExtentSink,
  type ExtentSource,
  fileSink,
  fileSource,
  InvalidArgumentError,
  parseChangedExtents,
  restoreDisk,
  streamSink,
  streamSource,
} from '../../engine';
import { formatBytes, printJson } from '../output';
import { type EngineCliIO, openFromCli, resolveIO, type ResolvedIO, type SecretOptions, withSecrets } from './repo';

/** Progress on stderr, once a second, so stdout stays clean for --json and pipes. */
function progressPrinter(io: ResolvedIO, enabled: boolean | undefined): ((p: EngineProgress) => void) | undefined {
  if (!enabled) return undefined;
  return (p) => {
    const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    io.err(
      `${p.phase} ${p.disk ?? ''} ${pct}%  read ${formatBytes(p.bytesRead)}  new ${formatBytes(p.bytesNew)}  stored ${formatBytes(p.bytesStored)}  ${formatBytes(p.rate)}/s\n`,
    );
  };
}

export function register(program: Command, hostIO: EngineCliIO = {}): void {
  const io = resolveIO(hostIO);
  const disk = program.command('disk').description('back up and restore raw disk images with a repository');

  withSecrets(disk.command('backup').description('back up a raw image, block device or stream into a repository'))
    .requiredOption('--repo <dir>', 'the repository')
    .requiredOption('--image <file>', 'raw image or block device to read; "-" for standard input (needs --size)')
    .requiredOption('--id <name>', 'the group: what is backed up (volume or instance id); backups of one id form its history')
    .option('--disk <name>', 'the disk name within the backup', 'disk')
    .option('--size <bytes>', 'disk size, for --image -')
    .option(
      '--changed-extents <file>',
      'read only these extents (JSON [{offset,length}] or "offset length" lines); the rest comes from the previous backup',
    )
    .option('--parent <backup>', '"latest" (default), a backup id, or "none" for a full read')
    .option('--compression-level <n>', "zstd level for this backup (default: the repository's)")
    .option('--metadata <file>', 'JSON to store in the manifest (e.g. the OpenStack metadata)')
    .option('--progress', 'print progress to stderr')
    .option('--json', 'print the manifest as JSON')
    .action(
      async (
        o: SecretOptions & {
          repo: string;
          image: string;
          id: string;
          disk: string;
          size?: string;
          changedExtents?: string;
          parent?: string;
          compressionLevel?: string;
          metadata?: string;
          progress?: boolean;
          json?: boolean;
        },
      ) => {
        let source: ExtentSource;
        if (o.image === '-') {
          const size = Number(o.size);
          if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError('Reading from standard input needs --size <bytes>.');
          source = streamSource(io.stdin as AsyncIterable<Uint8Array>, size);
          if (o.passphraseStdin) throw new InvalidArgumentError('Standard input carries the image: give the passphrase in BACKSTACK_PASSPHRASE.');
        } else source = fileSource(o.image, o.size === undefined ? {} : { size: Number(o.size) });
        const changedExtents = o.changedExtents === undefined ? undefined : parseChangedExtents(fs.readFileSync(o.changedExtents, 'utf8'));
        const metadata = o.metadata === undefined ? undefined : (JSON.parse(fs.readFileSync(o.metadata, 'utf8')) as Record<string, unknown>);
        const repo = await openFromCli(o.repo, o, io);
        try {
          const started = performance.now();
          const m = await backupDisk(repo, {
            group: o.id,
            name: o.disk,
            source,
            ...(changedExtents ? { changedExtents } : {}),
            parent: o.parent === 'none' ? null : (o.parent ?? 'latest'),
            sourceInfo: { kind: 'disk-image', image: o.image },
            ...(metadata ? { metadata } : {}),
            ...(o.compressionLevel === undefined ? {} : { compressionLevel: Number(o.compressionLevel) }),
            ...(o.progress ? { onProgress: progressPrinter(io, true), progressIntervalMs: 1000 } : {}),
          });
          if (o.json) return printJson(m, io.out);
          const secs = (performance.now() - started) / 1000;
          const t = m.totals;
          io.out(
            `Backup ${m.id}: ${formatBytes(t.size)} disk, read ${formatBytes(t.bytesRead)}, new ${formatBytes(t.bytesNew)}, stored ${formatBytes(t.bytesStored)} in ${secs.toFixed(1)}s` +
              `${m.parent ? ` (on ${m.parent})` : ''}.\n`,
          );
        } finally {
          await repo.close();
        }
      },
    );

  withSecrets(disk.command('restore').description('restore a disk from a repository to a file, a block device or standard output'))
    .requiredOption('--repo <dir>', 'the repository')
    .requiredOption('--id <name>', 'the group the backup belongs to')
    .option('--backup <backup>', '"latest" (default), a time or a backup id', 'latest')
    .option('--disk <name>', 'the disk to restore (needed when the backup has several)')
    .requiredOption('--out <file>', 'target file (written sparse, renamed into place when complete), device with --block-device, or "-" for stdout')
    .option('--block-device', 'the target is a block device: write in place')
    .option('--assume-zeroed', 'with --block-device: the device already reads as zeros, skip writing holes')
    .option('--no-sparse', 'write holes as zeros in a file target')
    .option('--progress', 'print progress to stderr')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        o: SecretOptions & {
          repo: string;
          id: string;
          backup: string;
          disk?: string;
          out: string;
          blockDevice?: boolean;
          assumeZeroed?: boolean;
          sparse: boolean;
          progress?: boolean;
          json?: boolean;
        },
      ) => {
        let sink: ExtentSink;
        if (o.out === '-') sink = streamSink(process.stdout);
        else if (o.blockDevice) sink = blockDeviceSink(o.out, { zeroHoles: !o.assumeZeroed });
        else sink = fileSink(o.out, { sparse: o.sparse });
        const repo = await openFromCli(o.repo, o, io);
        try {
          const r = await restoreDisk(repo, {
            group: o.id,
            backup: o.backup,
            ...(o.disk ? { disk: o.disk } : {}),
            sink,
            ...(o.progress ? { onProgress: progressPrinter(io, true), progressIntervalMs: 1000 } : {}),
          });
          if (o.json) return printJson(r, o.out === '-' ? io.err : io.out);
          (o.out === '-' ? io.err : io.out)(
            `Restored ${r.backup} disk ${r.disk} (${formatBytes(r.size)}, ${formatBytes(r.bytesWritten)} of data) to ${o.out}.\n`,
          );
        } finally {
          await repo.close();
        }
      },
    );
}
