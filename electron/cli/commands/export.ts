import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ExportView } from '../../../shared/domain/exports';
import type { CliContext } from '../context';
import { formatBytes, unwrap, UsageError } from '../output';
import { untilStopped } from './console';
import { openFolder, type SecretOptions, withSecrets } from './folder-open';

interface Options extends SecretOptions {
  backup?: string;
  destination?: string;
  repo?: string;
  id?: string;
  disk?: string;
  listen?: string;
  writable?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  json?: boolean;
}

type Shown = Pick<ExportView, 'url' | 'commands' | 'resourceName' | 'disk' | 'size' | 'writable' | 'backupId' | 'tls'>;

/** What an admin needs to use the export, and how to end it. */
function printReady(e: Shown, o: Options, ctx: CliContext): void {
  if (o.json) return ctx.out(`${JSON.stringify(e)}\n`);
  ctx.out(
    `Serving ${e.resourceName} ${e.disk} (${formatBytes(e.size)}, restore point ${e.backupId}) over NBD, ${e.writable ? 'writable' : 'read-only'}:\n` +
      `  ${e.url}\n\n` +
      `  ${e.commands.qemuImg}\n` +
      `  ${e.commands.qemuNbd}\n` +
      `  ${e.commands.nbdClient}\n\n` +
      (e.tls ? 'TLS is required: CA_DIR is a folder holding ca-cert.pem, the CA that signed the certificate.\n' : '') +
      (e.writable ? 'Writes go to a temporary overlay that is deleted when the export stops; the restore point does not change.\n' : '') +
      'Press Ctrl-C to stop.\n',
  );
}

/** `backstack export nbd`: a disk of a restore point served over NBD in the foreground, until Ctrl-C or SIGTERM. */
export function register(program: Command, ctx: CliContext): void {
  const exp = program.command('export').description('serve a disk of a restore point to other programs');
  withSecrets(
    exp
      .command('nbd')
      .description('serve a disk of a restore point over NBD (qemu-img, qemu-nbd --connect, nbd-client, a hypervisor) until Ctrl-C')
      .option('--backup <id>', 'the restore point (from backstack backup list); with --repo: "latest" (default), a time or an id')
      .option('--destination <name>', 'the destination holding it (default: the one the catalog indexes it in)')
      .option('--repo <dir>', 'a destination folder, without the catalog (as destination folder disk-restore)')
      .option('--id <group>', 'with --repo: the group the restore point belongs to')
      .option('--disk <name>', 'the disk to serve (needed when the restore point has several)')
      .option('--listen <addr:port>', 'where to listen (default 127.0.0.1:10809, or a free port when it is taken)')
      .option('--writable', 'accept writes, into a temporary overlay deleted at stop; the restore point never changes')
      .option('--tls-cert <file>', 'require TLS with this PEM certificate (with --tls-key)')
      .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
      .option('--json', 'print the export as one JSON line when it is ready (for scripts)'),
  )
    .addHelpText(
      'after',
      '\nWithout --listen only this machine can connect. Listening on another address serves the disk to anyone who reaches it: NBD has no login.',
    )
    .action(async (o: Options) => {
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together.');
      if (o.repo) {
        if (!o.id) throw new UsageError('--repo needs --id GROUP (the group the restore point belongs to).');
        if (o.destination) throw new UsageError('--destination names a destination in the catalog; with --repo DIR the folder is the destination.');
        return serveFolder(o.repo, o.id, o, ctx);
      }
      if (o.id) throw new UsageError('--id goes with --repo DIR; a restore point in the catalog is named by --backup ID alone.');
      if (o.passphraseStdin || o.recoveryKeyFile)
        throw new UsageError('--passphrase-stdin and --recovery-key-file go with --repo DIR; the catalog holds the passphrases of its destinations.');
      if (!o.backup) throw new UsageError('Name the restore point with --backup ID (backstack backup list), or a folder with --repo DIR --id GROUP.');
      const core = await ctx.openCore({ runJobs: false });
      try {
        let destinationId: string | undefined;
        if (o.destination) destinationId = await (await import('./destination')).destinationId(core, o.destination);
        const e = unwrap(
          await core.api.invoke('exports.start', {
            backupId: o.backup,
            ...(destinationId ? { destinationId } : {}),
            ...(o.disk ? { disk: o.disk } : {}),
            ...(o.listen ? { listen: o.listen } : {}),
            writable: Boolean(o.writable),
            ...(o.tlsCert && o.tlsKey ? { tls: { certFile: path.resolve(o.tlsCert), keyFile: path.resolve(o.tlsKey) } } : {}),
          }),
        );
        printReady(e, o, ctx);
        await (ctx.waitForStop ?? untilStopped)();
        const n = unwrap(await core.api.invoke('exports.list', {})).items.find((x) => x.id === e.id)?.connections ?? 0;
        unwrap(await core.api.invoke('exports.stop', { id: e.id }));
        if (!o.json) ctx.out(`Stopped${n ? `: ${n} client${n > 1 ? 's' : ''} disconnected` : ''}.\n`);
      } finally {
        await core.close();
      }
    });
}

/** The same from a bare destination folder: the engine and the NBD server, no catalog. */
async function serveFolder(dir: string, group: string, o: Options, ctx: CliContext): Promise<void> {
  const [engine, nbd] = await Promise.all([import('../../engine'), import('../../export/nbd')]);
  const listen = nbd.parseListen(o.listen);
  const repo = await openFolder(dir, o, ctx);
  const closers: Array<() => Promise<void>> = [() => repo.close()];
  try {
    const reader = await engine.openDiskReader(repo, { group, backup: o.backup ?? 'latest', ...(o.disk ? { disk: o.disk } : {}), cacheChunks: 8 });
    closers.unshift(() => reader.close());
    const overlay = o.writable ? await nbd.CowOverlay.create(reader) : undefined;
    if (overlay) closers.unshift(() => overlay.close());
    const tls = o.tlsCert && o.tlsKey ? { cert: readPem(o.tlsCert, 'certificate'), key: readPem(o.tlsKey, 'key') } : undefined;
    const server = await nbd.NbdServer.open({
      host: listen.host,
      port: listen.port,
      ...(tls ? { tls } : {}),
      log: (level, m) => (level === 'warn' ? ctx.err(`${m}\n`) : undefined),
    });
    closers.unshift(() => server.close());
    const time = reader.backup.slice(reader.backup.indexOf('/') + 1);
    const name = nbd.exportNameFor(group, time, reader.disk, () => false);
    server.add(name, overlay ?? nbd.readOnlyDevice(reader), `${group} ${reader.disk}, restore point of ${time}`);
    const strings = nbd.connectionStrings(server.host, server.port, name, { readOnly: !o.writable, tls: server.tls });
    printReady(
      {
        url: strings.url,
        commands: strings,
        resourceName: group,
        disk: reader.disk,
        size: reader.size,
        writable: Boolean(o.writable),
        backupId: reader.backup,
        tls: server.tls,
      },
      o,
      ctx,
    );
    await (ctx.waitForStop ?? untilStopped)();
    const n = server.connections(name);
    if (!o.json) ctx.out(`Stopped${n ? `: ${n} client${n > 1 ? 's' : ''} disconnected` : ''}.\n`);
  } finally {
    for (const close of closers) await close();
  }
}

function readPem(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`The TLS ${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
  }
}
