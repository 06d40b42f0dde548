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

/** The error of a refused request, or null when it went through. */
export const failure = (r: { ok: true } | { ok: false; error: { code: string; message: string } }): { code: string; message: string } | null => (r.ok ? null : r.error);

/** The MockAgent cloud's admin, as the contract tests add the cloud. */
export const MOCK_ADMIN = { name: 'Default', userName: 'admin', password: 'admin-pass', defaultProject: 'admin' };

/** Adds the MockAgent cloud (`authUrl`) as `name` and, unless told not to, syncs its inventory; returns its id. */
export async function addMockCloud(core: Core, authUrl: string, opts: { name?: string; sync?: boolean } = {}): Promise<string> {
  const provider = ok(await core.api.invoke('providers.add', { provider: { name: opts.name ?? 'mock', authUrl, authDomains: [MOCK_ADMIN] } }));
  if (opts.sync !== false) {
    ok(await core.api.invoke('inventory.startSync', { providerId: provider.id }));
    await core.jobs.whenIdle();
  }
  return provider.id;
}

// For tests above the core (the CLI's) that restore: a restore point of the mock cloud, hypervisors that write nothing.
export { fakeRestoreHosts, writeInstanceRestorePoint } from '../services/restore/testing';
export { FakeGuest, fakeGuestAgents } from '../services/files/guest-testing';
