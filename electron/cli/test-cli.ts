import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { createLogger } from '../lib/logger';
import { keyFileProtector } from '../lib/secret-box';
import { defaultContext, type CliContext } from './context';
import { main } from './main';

/**
 * For the CLI's tests: runs `backstack ARGS` in process against a fresh BACKSTACK_HOME, capturing
 * its output. `openstack` replaces the network of the core's OpenStack clients (a MockAgent cloud).
 */
export function testCli(prefix = 'backstack-cli-', openstack?: Dispatcher) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const io = { out: '', err: '' };
  const defaults = defaultContext({ BACKSTACK_HOME: home });
  const base: CliContext = openstack
    ? {
        ...defaults,
        openCore: async (opts = {}) =>
          (await import('../core/create-core')).createCore({
            dataDir: defaults.dataDir,
            version: defaults.version,
            runtime: opts.runtime ?? 'cli',
            runJobs: opts.runJobs ?? true,
            logger: createLogger(() => undefined),
            keyProtector: keyFileProtector(defaults.dataDir),
            openstackDispatcher: openstack,
          }),
      }
    : defaults;
  return {
    home,
    io,
    /** Clears what was printed so far. */
    clear(): void {
      io.out = io.err = '';
    },
    run(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
      return main(['node', 'backstack', ...args], {
        ...base,
        env: opts.env ?? {},
        stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
        out: (s) => void (io.out += s),
        err: (s) => void (io.err += s),
      });
    },
    cleanup(): void {
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
