import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupNotFoundError } from '../errors';
import { fileSource } from '../io/extents';
import { parseRef } from '../format/layout';
import { writeImage } from '../testing/fixtures';
import { makeRepo, type TestRepo } from '../testing/repos';
import { backupDisk } from './backup';
import { readNote, writeNote } from './notes';
import { removeBackup } from './prune';

let t: TestRepo;
afterEach(() => t?.cleanup());

describe.each([false, true])('notes of a backup (encrypted: %s)', (encrypted) => {
  it('are kept beside the manifest, replaced when written again, and removed with the backup', async () => {
    t = await makeRepo({ encrypted });
    const img = path.join(t.work, 'a.img');
    writeImage(img, 128 * 1024, ['text', 'random'], 1);
    const m = await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(img) });
    const ref = parseRef(m.id);
    expect(await readNote(t.repo, ref, 'verification')).toBeNull();
    await writeNote(t.repo, ref, 'verification', { result: 'failed', console: ['login:'] });
    await writeNote(t.repo, ref, 'verification', { result: 'passed', console: ['labvm: READY'] });
    expect(await readNote(t.repo, ref, 'verification')).toEqual({ result: 'passed', console: ['labvm: READY'] });
    const stored = fs.readFileSync(path.join(t.dir, 'backups', ref.group, ref.time, 'notes', `verification.${encrypted ? 'bin' : 'json'}`));
    // sealed in an encrypted destination: what the guest printed is not readable without the key
    expect(stored.includes('labvm')).toBe(!encrypted);
    await removeBackup(t.repo, ref);
    expect(fs.existsSync(path.join(t.dir, 'backups', ref.group, ref.time))).toBe(false);
  });

  it('refuses a backup that does not exist and a name that is not a plain word', async () => {
    t = await makeRepo({ encrypted });
    const ref = parseRef('vm-9/2026-01-01T00-00-00.000Z');
    await expect(writeNote(t.repo, ref, 'verification', {})).rejects.toBeInstanceOf(BackupNotFoundError);
    await expect(readNote(t.repo, ref, '../manifest')).rejects.toThrow(/invalid note name/);
  });
});
