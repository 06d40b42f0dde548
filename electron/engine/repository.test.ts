import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from './ops/backup';
import { CorruptMetadataError, InvalidArgumentError, RepositoryExistsError, RepositoryNotFoundError, UnsupportedFormatError } from './errors';
import { fileSource } from './io/extents';
import { repositoryStats } from './ops/listing';
import { restoreDisk } from './ops/restore';
import { fileSink } from './io/sinks';
import { verifyRepository } from './ops/verify';
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

  it('names chunks by BLAKE3 in new repositories and keeps reading and writing SHA-256 (version 1) ones', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const img = path.join(t.dir, 'disk.img');
    writeImage(img, 64 * 1024, ['text', 'random', 'text'], 5);
    const chunkNames = (dir: string): string[] => fs.readdirSync(path.join(dir, 'chunks'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    const bytes = fs.readFileSync(img);
    const windows = [0, 1, 2].map((i) => bytes.subarray(i * 64 * 1024, (i + 1) * 64 * 1024));
    for (const digest of ['blake3', 'sha256'] as const) {
      const dir = path.join(t.dir, digest);
      const { config } = await initRepository(dir, { chunkSize: 64 * 1024, digest });
      expect(config.version).toBe(digest === 'blake3' ? 2 : 1);
      const repo = await openRepository(dir);
      await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
      await backupDisk(repo, { group: 'vol-1', name: 'vda', source: fileSource(img) }); // deduplicated against the first
      const names = chunkNames(dir);
      expect(names).toHaveLength(3);
      if (digest === 'sha256') expect(names).toEqual(windows.map(sha256).sort());
      else expect(names.filter((n) => windows.map(sha256).includes(n))).toEqual([]);
      expect((await verifyRepository(repo)).ok).toBe(true);
      const out = path.join(t.dir, `${digest}.out`);
      await restoreDisk(repo, { group: 'vol-1', disk: 'vda', sink: fileSink(out) });
      expect(fs.readFileSync(out).equals(bytes)).toBe(true);
      await repo.close();
    }
  });

  it('refuses a repository from a newer Backstack, or naming an unknown digest, with a message that says so', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = path.join(t.dir, 'r');
    await initRepository(dir);
    const file = path.join(dir, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...config, version: 3 }));
    await expect(openRepository(dir)).rejects.toThrow(UnsupportedFormatError);
    await expect(openRepository(dir)).rejects.toThrow(/version 3 is not supported .* Update Backstack/);
    fs.writeFileSync(file, JSON.stringify({ ...config, digest: 'md5' }));
    await expect(openRepository(dir)).rejects.toThrow(CorruptMetadataError);
    fs.writeFileSync(file, JSON.stringify({ ...config, version: 1 })); // version 1 names no digest
    await expect(openRepository(dir)).rejects.toThrow(CorruptMetadataError);
  });
});
