import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from './backup';
import { InvalidArgumentError, RepositoryExistsError, RepositoryNotFoundError } from './errors';
import { fileSource } from './extents';
import { repositoryStats } from './listing';
import { initRepository, inspectRepository, openRepository } from './repository';
import { tempDir, writeImage } from './testing/fixtures';
import { FAST_KDF } from './testing/repos';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('repositories', () => {
  it('creates only in an empty folder, and says when a folder holds none', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    fs.writeFileSync(path.join(t.dir, 'note.txt'), 'not empty');
    await expect(initRepository(t.dir)).rejects.toBeInstanceOf(RepositoryExistsError);
    await expect(openRepository(t.dir)).rejects.toBeInstanceOf(RepositoryNotFoundError);
    await expect(initRepository(path.join(t.dir, 'r'), { chunkSize: 1000 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(initRepository(path.join(t.dir, 'r'), { compressionLevel: 30 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('tells an encrypted repository before any passphrase, and reports usage', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = path.join(t.dir, 'r');
    await initRepository(dir, { passphrase: 'pw', kdf: FAST_KDF, chunkSize: 64 * 1024, compressionLevel: 3 });
    expect(await inspectRepository(dir)).toMatchObject({ encrypted: true, chunkSize: 64 * 1024, compressionLevel: 3 });
    const repo = await openRepository(dir, { passphrase: 'pw' });
    const img = path.join(t.dir, 'disk.img');
    writeImage(img, 64 * 1024, ['text', 'zero', { dupOf: 0 }, 'text'], 81);
    await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    const s = await repositoryStats(repo);
    expect(s).toMatchObject({ backups: 2, groups: 1, chunks: 2, logicalBytes: 2 * 4 * 64 * 1024 });
    expect(s.reductionRatio).toBeGreaterThan(4);
    expect(s.history.map((h) => h.bytesNew)).toEqual([2 * 64 * 1024, 0]);
    await repo.close();
  });
});
