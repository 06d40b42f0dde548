import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource } from '../../engine';
import { createLogger } from '../../lib/logger';
import { keyFileProtector } from '../../lib/secret-box';
import { createCore, type Core } from '../core';

let dir: string;
let core: Core;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-destinations-'));
  core = createCore({
    dataDir: path.join(dir, 'home'),
    runtime: 'cli',
    version: 't',
    logger: createLogger(() => undefined),
    keyProtector: keyFileProtector(path.join(dir, 'home')),
  });
});
afterEach(async () => {
  await core.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** Two backups of a small disk written straight through the engine, as a strategy would. */
async function twoBackups(repositoryId: string) {
  const img = path.join(dir, 'disk.img');
  fs.writeFileSync(img, Buffer.alloc(3 * 1024 * 1024, 'backstack '));
  const repo = await core.repositories.open(repositoryId);
  try {
    await backupDisk(repo, { group: 'inst-1', name: 'vda', source: fileSource(img) });
    fs.writeFileSync(img, Buffer.alloc(3 * 1024 * 1024, 'changed!! '));
    await backupDisk(repo, { group: 'inst-1', name: 'vda', source: fileSource(img) });
  } finally {
    await repo.close();
  }
}

describe('backup destinations', () => {
  it('creates an encrypted repository, shows its recovery key once, and opens it unattended afterwards', async () => {
    const created = ok(
      await core.api.invoke('repositories.create', { name: 'local', path: path.join(dir, 'repo'), passphrase: 'correct horse battery' }),
    );
    expect(created.repository).toMatchObject({ name: 'local', encrypted: true, isDefault: true });
    expect(created.recoveryKey).toMatch(/\S{20,}/);
    // The passphrase is sealed in the catalog, never readable from it in clear.
    const raw = fs.readFileSync(path.join(dir, 'home', 'catalog.sqlite'));
    expect(raw.includes(Buffer.from('correct horse battery'))).toBe(false);
    await twoBackups(created.repository.id);
    const stats = ok(await core.api.invoke('repositories.getStats', { id: created.repository.id }));
    expect(stats.backups).toBe(2);
    expect(stats.reductionRatio).toBeGreaterThan(1);
  });

  it('refuses to add an existing repository with a wrong passphrase, and changes nothing', async () => {
    ok(await core.api.invoke('repositories.create', { name: 'a', path: path.join(dir, 'repo'), passphrase: 'correct horse battery' }));
    ok(await core.api.invoke('repositories.remove', { id: 'a' }));
    const r = await core.api.invoke('repositories.add', { name: 'b', path: path.join(dir, 'repo'), passphrase: 'wrong one' });
    expect(r.ok === false && r.error.code).toBe('repository.wrongPassphrase');
    expect(ok(await core.api.invoke('repositories.list', {})).items).toEqual([]);
  });

  it('adds an existing repository and indexes its restore points from the manifests', async () => {
    const first = ok(await core.api.invoke('repositories.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(first.repository.id);
    ok(await core.api.invoke('repositories.remove', { id: 'a' }));
    expect(core.backups.list()).toEqual([]);
    const added = ok(await core.api.invoke('repositories.add', { name: 'again', path: path.join(dir, 'repo') }));
    expect(core.backups.list({ repositoryId: added.id }).map((b) => b.resourceId)).toEqual(['inst-1', 'inst-1']);
  });

  it('previews a prune with the reason for each decision, then prunes, verifies and collects garbage as jobs', async () => {
    const { repository } = ok(await core.api.invoke('repositories.create', { name: 'a', path: path.join(dir, 'repo') }));
    await twoBackups(repository.id);
    const preview = ok(await core.api.invoke('repositories.previewPrune', { id: repository.id, keep: { last: 1 } }));
    expect(preview.kept).toHaveLength(1);
    expect(preview.removed).toHaveLength(1);
    expect(preview.groups[0]!.decisions.find((d) => d.keep)?.reasons.join(' ')).toMatch(/last/);
    expect(ok(await core.api.invoke('repositories.getStats', { id: repository.id })).backups).toBe(2);

    const jobIds = [
      ok(await core.api.invoke('repositories.startPrune', { id: repository.id, keep: { last: 1 } })).jobId,
      ok(await core.api.invoke('repositories.startGc', { id: repository.id })).jobId,
      ok(await core.api.invoke('repositories.startVerify', { id: repository.id })).jobId,
    ];
    await core.jobs.whenIdle();
    expect(jobIds.map((id) => core.jobs.get(id).state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(ok(await core.api.invoke('repositories.getStats', { id: repository.id })).backups).toBe(1);
  });

  it('names an unreachable destination and what to do', async () => {
    const { repository } = ok(await core.api.invoke('repositories.create', { name: 'usb', path: path.join(dir, 'usb') }));
    fs.rmSync(path.join(dir, 'usb'), { recursive: true });
    const r = await core.api.invoke('repositories.getStats', { id: repository.id });
    expect(r.ok === false && r.error.message).toMatch(/not reachable: mount or reconnect it/);
  });
});
