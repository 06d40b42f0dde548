import { defaultDataDir } from '../lib/paths';
import { createLogger } from '../lib/logger';
import { packageVersion } from '../lib/version';
import { createCore, type Core } from '../core/create-core';

export interface CliContext {
  dataDir: string;
  version: string;
  out: (s: string) => void;
  err: (s: string) => void;
  /** opens the core in this process; the caller closes it */
  openCore(opts?: { runJobs?: boolean; runtime?: 'cli' | 'console' }): Core;
}

export function defaultContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const dataDir = defaultDataDir(env);
  const version = packageVersion();
  return {
    dataDir,
    version,
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    openCore: (opts = {}) =>
      createCore({
        dataDir,
        version,
        runtime: opts.runtime ?? 'cli',
        runJobs: opts.runJobs ?? true,
        logger: createLogger(undefined, opts.runtime !== 'console'),
      }),
  };
}
