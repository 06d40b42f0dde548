import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors/app-error';
import { projectRoot } from '../../lib/version';
import type { Core } from '../../core/create-core';
import type { CliContext } from '../context';
import { UsageError, wholeNumber } from '../output';

interface Opts {
  port: number;
  listen: string;
  open?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  printJson?: boolean;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export interface ConsoleFlags {
  port: number;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** The console options, shared with `serve --console`. */
export function withConsoleOptions(c: Command): Command {
  return c
    .option('--port <n>', 'port (0 picks a free one)', wholeNumber('--port'), 0)
    .option('--listen <address>', 'address to bind; anything but loopback needs --tls-cert and --tls-key', '127.0.0.1')
    .option('--tls-cert <file>', 'PEM certificate for HTTPS')
    .option('--tls-key <file>', 'PEM private key for HTTPS');
}

/** Checks the flags and that the UI is built, before any core is opened. */
export function consoleStaticDir(o: ConsoleFlags): string {
  const staticDir = path.join(projectRoot(), 'out', 'renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new AppError('resource.notFound', `The UI is not built (${staticDir} has no index.html). Run: npm run build:renderer`);
  }
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('Give both --tls-cert and --tls-key, or neither.');
  return staticDir;
}

export async function startConsole(core: Core, staticDir: string, o: ConsoleFlags) {
  const { startConsoleServer } = await import('../../console/server');
  return startConsoleServer({
    core,
    staticDir,
    host: o.listen,
    port: o.port,
    ...(o.tlsCert && o.tlsKey ? { tls: { certFile: o.tlsCert, keyFile: o.tlsKey } } : {}),
  });
}

/** Resolves on Ctrl-C or SIGTERM; keeps the process alive until then (the scheduler's timer alone does not). */
export const untilStopped = (): Promise<void> =>
  new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

export function register(program: Command, ctx: CliContext): void {
  withConsoleOptions(program.command('console').description('serve the Backstack UI to a browser on this machine (console mode); policies\' schedules run while it runs'))
    .option('--open', 'open the default browser')
    .option('--print-json', 'print {url, loginUrl, token} as one JSON line when ready (for scripts and tests)')
    .action(async (o: Opts) => {
      const staticDir = consoleStaticDir(o);
      const core = await ctx.openCore({ runtime: 'console', scheduler: true });
      const server = await startConsole(core, staticDir, o).catch(async (e: unknown) => {
        await core.close();
        throw e;
      });
      if (o.printJson) ctx.out(`${JSON.stringify({ url: server.url, loginUrl: server.loginUrl, token: server.token })}\n`);
      else ctx.out(`Backstack console is ready. Open this URL (it carries this run's access token):\n  ${server.loginUrl}\nPress Ctrl-C to stop.\n`);
      if (o.open) openBrowser(server.loginUrl);
      await untilStopped();
      await server.close();
      await core.close();
    });
}
