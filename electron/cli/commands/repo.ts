import fs from 'node:fs';
import type { Command } from 'commander';
import {
  collectGarbage,
  initRepository,
  InvalidArgumentError,
  type KeepRules,
  listBackups,
  openRepository,
  pruneBackups,
  type Repository,
  repositoryStats,
  VerifyFailedError,
  verifyRepository,
} from '../../engine';
import { formatBytes, printJson, table } from '../output';

/** What the engine commands need from their host: output, environment and stdin. Tests pass their own. */
export interface EngineCliIO {
  out?: (s: string) => void;
  err?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
}

export interface ResolvedIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
}

export const resolveIO = (io: EngineCliIO = {}): ResolvedIO => ({
  out: io.out ?? ((s) => process.stdout.write(s)),
  err: io.err ?? ((s) => process.stderr.write(s)),
  env: io.env ?? process.env,
  stdin: io.stdin ?? process.stdin,
});

export interface SecretOptions {
  passphraseStdin?: boolean;
  recoveryKeyFile?: string;
}

async function readStdinLines(stdin: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  for await (const piece of stdin) text += typeof piece === 'string' ? piece : (piece as Buffer).toString('utf8');
  return text.split(/\r?\n/);
}

let stdinLines: Promise<string[]> | undefined;
/** Line n of stdin (read once per process). Passphrases never come from argv: ps would show them. */
async function stdinLine(io: ResolvedIO, n: number): Promise<string> {
  stdinLines ??= readStdinLines(io.stdin);
  const line = (await stdinLines)[n];
  if (line === undefined || line === '') throw new InvalidArgumentError('Expected a passphrase on standard input.');
  return line;
}

/** For tests that run several commands in one process. */
export function resetStdinCache(): void {
  stdinLines = undefined;
}

export async function passphraseFrom(o: SecretOptions, io: ResolvedIO): Promise<string | undefined> {
  if (o.passphraseStdin) return stdinLine(io, 0);
  return io.env.BACKSTACK_PASSPHRASE || undefined;
}

/** Opens a repository with the passphrase (stdin or BACKSTACK_PASSPHRASE) or a recovery key file. */
export async function openFromCli(dir: string, o: SecretOptions, io: ResolvedIO): Promise<Repository> {
  if (o.recoveryKeyFile) return openRepository(dir, { recoveryKey: fs.readFileSync(o.recoveryKeyFile, 'utf8').trim() });
  const passphrase = await passphraseFrom(o, io);
  return openRepository(dir, passphrase === undefined ? {} : { passphrase });
}

export const withSecrets = (c: Command): Command =>
  c
    .option('--passphrase-stdin', 'read the passphrase from the first line of standard input (else BACKSTACK_PASSPHRASE)')
    .option('--recovery-key-file <file>', 'open an encrypted repository with its recovery key instead');

async function using<T>(dir: string, o: SecretOptions, io: ResolvedIO, fn: (repo: Repository) => Promise<T>): Promise<T> {
  const repo = await openFromCli(dir, o, io);
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
}

const int =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, not "${v}".`);
    return n;
  };

export function register(program: Command, hostIO: EngineCliIO = {}): void {
  const io = resolveIO(hostIO);
  const repo = program.command('repo').description('backup repositories: create, list, verify, prune, collect garbage');

  repo
    .command('init <dir>')
    .description('create a repository in an empty folder')
    .option('--encrypt', 'encrypt chunks and metadata (passphrase from --passphrase-stdin or BACKSTACK_PASSPHRASE)')
    .option('--passphrase-stdin', 'read the passphrase from the first line of standard input')
    .option('--compression-level <n>', 'zstd level, 1 (fastest, default) to 19', int('--compression-level'))
    .option('--chunk-size <bytes>', 'chunk size in bytes (default 4 MiB)', int('--chunk-size'))
    .option('--recovery-key-out <file>', 'write the recovery key to this file instead of printing it')
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        o: SecretOptions & { encrypt?: boolean; compressionLevel?: number; chunkSize?: number; recoveryKeyOut?: string; json?: boolean },
      ) => {
        let passphrase: string | undefined;
        if (o.encrypt) {
          passphrase = await passphraseFrom(o, io);
          if (!passphrase)
            throw new InvalidArgumentError('--encrypt needs a passphrase: pipe it with --passphrase-stdin or set BACKSTACK_PASSPHRASE.');
        }
        const { config, recoveryKey } = await initRepository(dir, {
          ...(passphrase === undefined ? {} : { passphrase }),
          ...(o.compressionLevel === undefined ? {} : { compressionLevel: o.compressionLevel }),
          ...(o.chunkSize === undefined ? {} : { chunkSize: o.chunkSize }),
        });
        if (recoveryKey && o.recoveryKeyOut) fs.writeFileSync(o.recoveryKeyOut, recoveryKey + '\n', { mode: 0o600, flag: 'wx' });
        if (o.json)
          return printJson(
            { id: config.id, dir, encrypted: recoveryKey !== null, ...(recoveryKey && !o.recoveryKeyOut ? { recoveryKey } : {}) },
            io.out,
          );
        io.out(`Created repository ${config.id} in ${dir}${recoveryKey ? ' (encrypted)' : ''}.\n`);
        if (recoveryKey && !o.recoveryKeyOut) io.out(`Recovery key: ${recoveryKey}\n`);
        if (recoveryKey) {
          io.err(
            `${o.recoveryKeyOut ? `The recovery key is in ${o.recoveryKeyOut}. ` : ''}Keep the recovery key somewhere safe and apart from the repository: ` +
              'without it or the passphrase the backups cannot be read by anyone, and with it anyone can.\n',
          );
        }
      },
    );

  withSecrets(repo.command('list <dir>').description('list backups, read from the repository alone'))
    .option('--id <name>', 'only this group (volume, instance)')
    .option('--json', 'print JSON (the full manifests)')
    .action(async (dir: string, o: SecretOptions & { id?: string; json?: boolean }) => {
      await using(dir, o, io, async (r) => {
        const backups = await listBackups(r, o.id);
        if (o.json) return printJson(backups, io.out);
        table(
          [
            ['BACKUP', 'DISKS', 'SIZE', 'NEW', 'STORED'],
            ...backups.map((b) => [
              b.id,
              b.disks.map((d) => d.name).join(','),
              formatBytes(b.totals.size),
              formatBytes(b.totals.bytesNew),
              formatBytes(b.totals.bytesStored),
            ]),
          ],
          io.out,
        );
      });
    });

  withSecrets(repo.command('info <dir>').description('usage: stored and logical bytes, reduction ratio'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { json?: boolean }) => {
      await using(dir, o, io, async (r) => {
        const s = await repositoryStats(r);
        if (o.json)
          return printJson({ id: r.config.id, encrypted: r.encrypted, chunkSize: r.chunkSize, compression: r.config.compression, ...s }, io.out);
        table(
          [
            ['repository', r.config.id],
            ['encrypted', r.encrypted ? 'yes' : 'no'],
            ['backups', String(s.backups)],
            ['chunks', String(s.chunks)],
            ['stored', formatBytes(s.storedBytes)],
            ['logical', formatBytes(s.logicalBytes)],
            ['reduction', `${s.reductionRatio.toFixed(2)}x`],
          ],
          io.out,
        );
      });
    });

  withSecrets(repo.command('verify <dir>').description('re-read and check every chunk; names damaged chunks and the backups they break'))
    .option('--id <name>', 'only this group')
    .option('--backup <id>', 'only this backup (time or group/time)')
    .option('--disk <name>', 'only this disk')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { id?: string; backup?: string; disk?: string; json?: boolean }) => {
      await using(dir, o, io, async (r) => {
        const group = o.id ?? (o.backup?.includes('/') ? o.backup.slice(0, o.backup.lastIndexOf('/')) : undefined);
        const report = await verifyRepository(r, {
          ...(group ? { group } : {}),
          ...(o.backup ? { backup: o.backup } : {}),
          ...(o.disk ? { disk: o.disk } : {}),
        });
        if (o.json) printJson(report, io.out);
        else {
          io.out(`Checked ${report.backupsChecked} backups, ${report.chunksChecked} chunks (${formatBytes(report.bytesChecked)}).\n`);
          for (const p of report.problems)
            io.out(
              `${p.kind}${p.digest ? ` ${p.digest}` : ''}: ${p.detail}\n  affects: ${p.affects.map((a) => a.backup + (a.disk ? ` (${a.disk})` : '')).join(', ')}\n`,
            );
        }
        if (!report.ok) throw new VerifyFailedError(`Verify found ${report.problems.length} problem(s).`, { problems: report.problems.length });
      });
    });

  withSecrets(repo.command('prune <dir>').description('remove backups that no keep rule keeps (chunks are freed by gc)'))
    .option('--id <name>', 'only this group')
    .option('--keep-last <n>', 'keep the newest N', int('--keep-last'))
    .option('--keep-hourly <n>', 'keep the newest of each of the last N hours', int('--keep-hourly'))
    .option('--keep-daily <n>', 'keep the newest of each of the last N days', int('--keep-daily'))
    .option('--keep-weekly <n>', 'keep the newest of each of the last N ISO weeks', int('--keep-weekly'))
    .option('--keep-monthly <n>', 'keep the newest of each of the last N months', int('--keep-monthly'))
    .option('--keep-yearly <n>', 'keep the newest of each of the last N years', int('--keep-yearly'))
    .option('--utc', 'count periods in UTC instead of local time')
    .option('--dry-run', 'say what would be kept and removed, and why; remove nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        o: SecretOptions & {
          id?: string;
          keepLast?: number;
          keepHourly?: number;
          keepDaily?: number;
          keepWeekly?: number;
          keepMonthly?: number;
          keepYearly?: number;
          utc?: boolean;
          dryRun?: boolean;
          json?: boolean;
        },
      ) => {
        const keep: KeepRules = {
          last: o.keepLast,
          hourly: o.keepHourly,
          daily: o.keepDaily,
          weekly: o.keepWeekly,
          monthly: o.keepMonthly,
          yearly: o.keepYearly,
        };
        await using(dir, o, io, async (r) => {
          const report = await pruneBackups(r, { keep, ...(o.id ? { group: o.id } : {}), dryRun: o.dryRun ?? false, utc: o.utc ?? false });
          if (o.json) return printJson(report, io.out);
          for (const g of report.groups)
            for (const d of g.decisions)
              io.out(`${d.keep ? 'keep  ' : report.dryRun ? 'would remove' : 'remove'} ${d.id}  ${d.reasons.join('; ')}\n`);
          io.out(
            `${report.dryRun ? 'Would remove' : 'Removed'} ${report.removed.length}, kept ${report.kept.length}.${report.dryRun ? '' : ' Run gc to free the space.'}\n`,
          );
        });
      },
    );

  withSecrets(repo.command('gc <dir>').description('delete chunks no backup uses (safe while backups run)'))
    .option('--grace-minutes <n>', 'keep unreferenced chunks younger than this (default 60)', int('--grace-minutes'))
    .option('--json', 'print JSON')
    .action(async (dir: string, o: SecretOptions & { graceMinutes?: number; json?: boolean }) => {
      await using(dir, o, io, async (r) => {
        const report = await collectGarbage(r, o.graceMinutes === undefined ? {} : { graceMs: o.graceMinutes * 60_000 });
        if (o.json) return printJson(report, io.out);
        io.out(
          `Removed ${report.chunksRemoved} chunks (${formatBytes(report.bytesRemoved)}), kept ${report.chunksKept}, cleaned ${report.leftoversRemoved} leftovers.\n`,
        );
        if (report.missingChunks.length > 0) io.out(`Warning: ${report.missingChunks.length} chunks used by backups are missing: run verify.\n`);
      });
    });

  const key = repo.command('key').description('the encryption key of a repository');
  withSecrets(key.command('export <dir>').description('print the recovery key (opens the repository without the passphrase: keep it safe)'))
    .option('--out <file>', 'write it to this file (mode 600) instead of printing it')
    .action(async (dir: string, o: SecretOptions & { out?: string }) => {
      await using(dir, o, io, async (r) => {
        const text = r.recoveryKey();
        if (o.out) fs.writeFileSync(o.out, text + '\n', { mode: 0o600, flag: 'wx' });
        else io.out(text + '\n');
        io.err('Anyone with the recovery key can read every backup in this repository. Store it apart from the repository.\n');
      });
    });
  withSecrets(
    key.command('change-passphrase <dir>').description('set a new passphrase (from BACKSTACK_NEW_PASSPHRASE, or the second line of stdin)'),
  ).action(async (dir: string, o: SecretOptions) => {
    await using(dir, o, io, async (r) => {
      const next = o.passphraseStdin ? await stdinLine(io, 1) : io.env.BACKSTACK_NEW_PASSPHRASE;
      if (!next) throw new InvalidArgumentError('Give the new passphrase in BACKSTACK_NEW_PASSPHRASE or as the second line of standard input.');
      await r.changePassphrase(next);
      io.out('Passphrase changed. The recovery key is unchanged.\n');
    });
  });
}
