import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { defaultContext } from './context';
import { main } from './main';

/** For the CLI's tests: runs `backstack ARGS` in process against a fresh BACKSTACK_HOME, capturing its output. */
export function testCli(prefix = 'backstack-cli-') {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const io = { out: '', err: '' };
  const base = defaultContext({ BACKSTACK_HOME: home });
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
