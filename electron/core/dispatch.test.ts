import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestNames } from '../../shared/ipc/contract';
import { createCore, type Core } from './create-core';
import { createLogger } from '../lib/logger';
import { migrations } from '../catalog/migrations';

let core: Core;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-core-'));
  core = createCore({ dataDir: dir, runtime: 'cli', version: '9.9.9', logger: createLogger(() => undefined) });
});
afterEach(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the contract dispatcher', () => {
  it('answers every request of the contract (none is left without a handler)', async () => {
    for (const name of requestNames) {
      const r = await core.dispatch(name, {});
      // Either a value, or a validation error for requests that need input — never "unknown request".
      if (!r.ok) expect(r.error.message, name).not.toMatch(/Unknown request/);
    }
  });

  it('returns validation.invalidInput, naming the field, for invalid input', async () => {
    const r = await core.dispatch('jobs.get', { id: 42 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('validation.invalidInput');
      expect(r.error.details).toMatchObject({ issues: [{ path: 'id' }] });
    }
    const extra = await core.dispatch('settings.update', { theme: 'dark', admin: true });
    expect(extra.ok === false && extra.error.code).toBe('validation.invalidInput');
  });

  it('refuses unknown request names', async () => {
    const r = await core.dispatch('__proto__', {});
    expect(r.ok === false && r.error.code).toBe('validation.invalidInput');
  });

  it('never lets internal fields of a job reach a client', async () => {
    const started = await core.api.invoke('catalog.startBackup', { file: path.join(dir, 'copy.sqlite') });
    expect(started.ok).toBe(true);
    await core.jobs.whenIdle();
    const list = await core.api.invoke('jobs.list', {});
    expect(list.ok).toBe(true);
    if (list.ok) {
      expect(list.value.items).toHaveLength(1);
      expect(Object.keys(list.value.items[0]!)).not.toContain('params');
      expect(Object.keys(list.value.items[0]!)).not.toContain('owner');
    }
  });

  it('reports status: version, catalog path, schema version, providers, event-loop delay', async () => {
    const r = await core.api.invoke('app.getStatus', {});
    expect(r).toMatchObject({
      ok: true,
      value: { version: '9.9.9', catalogPath: path.join(dir, 'catalog.sqlite'), schemaVersion: migrations.length, providersCount: 0 },
    });
  });
});
