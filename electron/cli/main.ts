import { Command, CommanderError } from 'commander';
import { AppError } from '../../shared/errors/app-error';
import { defaultContext, type CliContext } from './context';
import { EXIT, exitCodeFor, UsageError } from './output';
import { register as registerBackup } from './commands/backup';
import { register as registerCatalog } from './commands/catalog';
import { register as registerConsole } from './commands/console';
import { register as registerDestination } from './commands/destination';
import { register as registerFolder } from './commands/destination-folder';
import { register as registerExport } from './commands/export';
import { register as registerFiles } from './commands/files';
import { register as registerHypervisor } from './commands/hypervisor';
import { register as registerProxy } from './commands/proxy';
import { register as registerVolume } from './commands/volume';
import { register as registerInventory } from './commands/inventory';
import { register as registerJobs } from './commands/jobs';
import { register as registerNotify } from './commands/notify';
import { register as registerPolicy } from './commands/policy';
import { register as registerProvider } from './commands/provider';
import { register as registerRestore } from './commands/restore';
import { register as registerServe } from './commands/serve';
import { register as registerSnapshot } from './commands/snapshot';
import { register as registerCopy } from './commands/copy';
import { register as registerStatus } from './commands/status';

/**
 * The command tree. Every module imported here only declares commands (commander and small
 * helpers): an action loads what it needs when it runs — the core, the engine, zod — so
 * --version, --help and a mistyped command start at once.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('backstack')
    .description('Backstack: backup & recovery for OpenStack')
    .version(ctx.version, '-V, --version')
    .showHelpAfterError()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride();
  registerStatus(program, ctx);
  registerConsole(program, ctx);
  registerProvider(program, ctx);
  registerInventory(program, ctx);
  registerHypervisor(program, ctx);
  registerProxy(program, ctx);
  registerVolume(program, ctx);
  registerBackup(program, ctx);
  registerRestore(program, ctx);
  registerSnapshot(program, ctx);
  registerExport(program, ctx);
  registerFiles(program, ctx);
  registerPolicy(program, ctx);
  registerServe(program, ctx);
  registerNotify(program, ctx);
  registerFolder(registerDestination(program, ctx), ctx);
  registerCopy(program, ctx);
  registerJobs(program, ctx);
  registerCatalog(program, ctx);
  return program;
}

/** Runs the CLI; returns the exit status instead of exiting, so tests can call it. */
export async function main(argv: string[], ctx: CliContext = defaultContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof UsageError) {
      ctx.err(`backstack: ${e.message}\n`);
      return EXIT.usage;
    }
    // Only failures pay for the error mapping (it loads the zod schemas of the error codes).
    const appError = e instanceof AppError ? e : (await import('../lib/errors')).toAppError(e);
    const withId = appError.requestId && !appError.message.includes(appError.requestId) ? ` (request id ${appError.requestId})` : '';
    ctx.err(`backstack: ${appError.message}${withId}\n`);
    return exitCodeFor(appError);
  }
}
