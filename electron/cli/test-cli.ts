import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CoreOptions } from '../core/create-core';
import { createLogger } from '../lib/logger';
import { keyFileProtector } from '../lib/secret-box';
import { defaultContext, type CliContext } from './context';
import { main } from './main';

/**
 * For the CLI's tests: runs `backstack ARGS` in process against a fresh BACKSTACK_HOME, capturing
 * its output. `core` adds options to the core the commands open (a MockAgent cloud's network).
 */
export function testCli(prefix = 'backstack-cli-', core: Partial<CoreOptions> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const io = { out: '', err: '' };
  const defaults = defaultContext({ BACKSTACK_HOME: home });
  const base: CliContext = Object.keys(core).length
    ? {
        ...defaults,
        openCore: async (opts = {}) => {
          const { createCore } = await import('../core/create-core');
          return createCore({
            dataDir: defaults.dataDir,
            version: defaults.version,
            runtime: opts.runtime ?? 'cli',
            runJobs: opts.runJobs ?? true,
            scheduler: opts.scheduler ?? false,
            logger: createLogger(() => undefined),
            keyProtector: keyFileProtector(defaults.dataDir),
            ...core,
          });
        },
      }
    : defaults;
  return {
    home,
    io,
    /** Clears what was printed so far. */
    clear(): void {
      io.out = io.err = '';
    },
    /** `waitForStop`: for foreground commands (export nbd), what they wait for instead of Ctrl-C */
    run(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; waitForStop?: () => Promise<void> } = {}): Promise<number> {
      return main(['node', 'backstack', ...args], {
        ...base,
        ...(opts.waitForStop ? { waitForStop: opts.waitForStop } : {}),
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

/** Adds the MockAgent cloud (`authUrl`) as "mock" the way an admin does: an openrc file and the password on stdin. */
export async function addMockCloudByOpenrc(cli: ReturnType<typeof testCli>, authUrl: string): Promise<number> {
  const rc = path.join(cli.home, 'admin-openrc');
  fs.writeFileSync(rc, `export OS_AUTH_URL=${authUrl}\nexport OS_USERNAME=admin\nexport OS_PROJECT_NAME=admin\nexport OS_USER_DOMAIN_NAME=Default\n`);
  const code = await cli.run(['provider', 'add', '--name', 'mock', '--openrc', rc, '--password-stdin'], { stdin: 'admin-pass\n' });
  cli.clear();
  return code;
}
