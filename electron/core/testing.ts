import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../lib/logger';
import { keyFileProtector } from '../lib/secret-box';
import { createCore, type Core, type CoreOptions } from './create-core';

/** A core for contract tests: its own temporary folder (the catalog under home/), quiet, a key file. */
export interface TestCore {
  core: Core;
  /** the temporary folder: destinations and images of the test go here */
  dir: string;
  close(): Promise<void>;
}

export function openTestCore(prefix: string, extra: Partial<CoreOptions> = {}): TestCore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const home = path.join(dir, 'home');
  const core = createCore({ dataDir: home, runtime: 'cli', version: 't', logger: createLogger(() => undefined), keyProtector: keyFileProtector(home), ...extra });
  return {
    core,
    dir,
    async close() {
      await core.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value of a contract answer; a failure becomes an error naming its code. */
export const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

// For tests above the core (the CLI's) that restore: a restore point of the mock cloud, hypervisors that write nothing.
export { fakeRestoreHosts, writeInstanceRestorePoint } from '../services/restore/testing';
