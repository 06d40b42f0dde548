import { Command, CommanderError } from 'commander';
import { AppError } from '../../shared/errors/codes';
import { toAppError } from '../lib/errors';
import { defaultContext, type CliContext } from './context';
import { EXIT, exitCodeFor } from './output';
import { register as registerCatalog } from './commands/catalog';
import { register as registerConsole } from './commands/console';
import { register as registerJobs } from './commands/jobs';
import { register as registerProvider } from './commands/provider';
import { register as registerInventory } from './commands/inventory';
import { register as registerRepo } from './commands/repo';
import { register as registerDestination } from './commands/destination';
import { register as registerDisk } from './commands/disk';
import { register as registerStatus } from './commands/status';
import { register as registerHypervisor } from './commands/hypervisor';
import { register as registerBackup } from './commands/backup';
import { register as registerRestore } from './commands/restore';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('backstack')
    .description('Backstack: backup & recovery for OpenStack')
    .version(ctx.version, '-V, --version')
    .showHelpAfterError()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err })
    .exitOverride();
  registerStatus(program, ctx);
  registerConsole(program, ctx);
  registerJobs(program, ctx);
  registerCatalog(program, ctx);
  registerProvider(program, ctx);
  registerInventory(program, ctx);
  registerRepo(program);
  registerDestination(program, ctx);
  registerDisk(program);
  registerHypervisor(program, ctx);
  registerBackup(program, ctx);
  registerRestore(program, ctx);
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
    const appError = e instanceof AppError ? e : toAppError(e);
    const withId = appError.requestId && !appError.message.includes(appError.requestId) ? ` (request id ${appError.requestId})` : '';
    ctx.err(`backstack: ${appError.message}${withId}\n`);
    return exitCodeFor(appError);
  }
}
