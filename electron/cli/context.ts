import { defaultDataDir } from '../lib/paths';
import { packageVersion } from '../lib/version';
import type { Core } from '../core/create-core';

export interface CliContext {
  dataDir: string;
  version: string;
  out: (s: string) => void;
  err: (s: string) => void;
  /** BACKSTACK_PASSPHRASE and friends; tests pass their own */
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  /**
   * Opens the core in this process; the caller closes it (or use withCore). Loaded on first use:
   * the core is most of the CLI's code, and --help, --version and the bare-folder commands never need it.
   */
  /** Resolves when a foreground command should stop; default: Ctrl-C or SIGTERM (tests stop it themselves). */
  waitForStop?: () => Promise<void>;
  openCore(opts?: { runJobs?: boolean; runtime?: 'cli' | 'console'; scheduler?: boolean; processLabel?: string }): Promise<Core>;
}

export function defaultContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const dataDir = defaultDataDir(env);
  const version = packageVersion();
  return {
    dataDir,
    version,
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env,
    stdin: process.stdin,
    openCore: async (opts = {}) => {
      const [{ createCore }, { createLogger }] = await Promise.all([import('../core/create-core'), import('../lib/logger')]);
      return createCore({
        dataDir,
        version,
        runtime: opts.runtime ?? 'cli',
        runJobs: opts.runJobs ?? true,
        scheduler: opts.scheduler ?? false,
        ...(opts.processLabel ? { processLabel: opts.processLabel } : {}),
        logger: createLogger(undefined, opts.runtime !== 'console'),
      });
    },
  };
}

/** Runs `fn` with a core open, and closes it whatever happens. Read-only commands pass runJobs: false. */
export async function withCore<T>(ctx: CliContext, opts: { runJobs?: boolean }, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await ctx.openCore(opts);
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
