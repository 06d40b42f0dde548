import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from './backup';
import { CorruptChunkError, MissingChunkError } from '../errors';
import { fileSource } from '../io/extents';
import { IndexReader } from '../format/index-file';
import { restoreDisk } from './restore';
import { fileSink } from '../io/sinks';
import { scribble, writeImage } from '../testing/fixtures';
import { makeRepo, type TestRepo } from '../testing/repos';
import { verifyRepository } from './verify';
import { pruneBackups } from './prune';
import { collectGarbage } from './gc';

const CHUNK = 128 * 1024;
let t: TestRepo | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Two backups of vol-1 (the second changes chunk 3) and one of vol-2 sharing nothing. */
async function setup(encrypted: boolean): Promise<{ shared: string; ids: string[]; other: string }> {
  t = await makeRepo({ encrypted, chunkSize: CHUNK });
  const img = path.join(t.work, 'disk.img');
  writeImage(img, CHUNK, ['text', 'text', 'zero', 'text', 'random'], 21);
  const a = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
  scribble(img, 3 * CHUNK + 10, 10, 22);
  const b = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
  const img2 = path.join(t.work, 'other.img');
  writeImage(img2, CHUNK, ['random'], 23);
  const c = await backupDisk(t.repo, { group: 'vol-2', name: 'vda', source: fileSource(img2) });
  const index = await IndexReader.open(t.repo, t.repo.layout.index(a, 'vda'));
  const shared = (await index.get(1)) as string; // chunk 1 is in both vol-1 backups
  await index.close();
  return { shared, ids: [a.id, b.id], other: c.id };
}

describe.each([false, true])('verify (encrypted: %s)', (encrypted) => {
  it('passes on a healthy repository', async () => {
    await setup(encrypted);
    const report = await verifyRepository(t!.repo);
    expect(report.ok).toBe(true);
    expect(report.backupsChecked).toBe(3);
    expect(report.chunksChecked).toBe(6); // 4 + 1 changed + 1 other
  });

  it('names a chunk with a flipped byte and every backup using it; restore fails and writes nothing', async () => {
    const { shared, ids, other } = await setup(encrypted);
    const file = t!.repo.layout.chunk(shared);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    fs.writeFileSync(file, bytes);

    const report = await verifyRepository(t!.repo);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'corrupt-chunk', digest: shared, affects: ids.map((backup) => ({ backup, disk: 'vda' })) }),
    ]);
    expect(report.backups.find((b) => b.id === other)?.ok).toBe(true);

    // verifying one backup still names all the backups the chunk breaks
    const one = await verifyRepository(t!.repo, { group: 'vol-1', backup: ids[1]! });
    expect(one.problems[0]?.affects.map((a) => a.backup).sort()).toEqual([...ids].sort());

    const out = path.join(t!.work, 'restored.img');
    const err = await restoreDisk(t!.repo, { group: 'vol-1', sink: fileSink(out) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptChunkError);
    expect((err as Error).message).toContain(shared);
    expect(fs.readdirSync(t!.work).filter((f) => f.startsWith('restored'))).toEqual([]);
  });

  it('names a missing chunk', async () => {
    const { shared, ids } = await setup(encrypted);
    fs.rmSync(t!.repo.layout.chunk(shared));
    const report = await verifyRepository(t!.repo);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'missing-chunk', digest: shared })]);
    expect(report.problems[0]!.affects.map((a) => a.backup)).toEqual(ids);
    await expect(restoreDisk(t!.repo, { group: 'vol-1', sink: fileSink(path.join(t!.work, 'x.img')) })).rejects.toBeInstanceOf(MissingChunkError);
  });

  it('reports a damaged index against its manifest', async () => {
    const { ids } = await setup(encrypted);
    const [group, time] = ids[0]!.split('/') as [string, string];
    const idx = t!.repo.layout.index({ group, time }, 'vda');
    const bytes = fs.readFileSync(idx);
    bytes[bytes.length - 3]! ^= 0x80;
    fs.writeFileSync(idx, bytes);
    const report = await verifyRepository(t!.repo);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'corrupt-index', affects: [{ backup: ids[0], disk: 'vda' }] })]);
  });
});

describe('verify beside prune and GC', () => {
  const sessions = () =>
    fs
      .readdirSync(t!.repo.layout.locks)
      .filter((f) => f.startsWith('session-'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(t!.repo.layout.locks, f), 'utf8')) as { kind: string; protects: string[] });

  it('reads under a session naming what it reads, so prune keeps it and GC keeps its chunks meanwhile', async () => {
    const { ids } = await setup(false);
    let seen: ReturnType<typeof sessions> = [];
    const report = await verifyRepository(t!.repo, { group: 'vol-1' }, { onProgress: () => void (seen.length || (seen = sessions())) });
    expect(report.ok).toBe(true);
    expect(seen).toEqual([expect.objectContaining({ kind: 'verify', protects: ids })]);
    // What a prune decides while such a session is live (prune-rules: in use is kept).
    expect(sessions()).toEqual([]);
    expect((await pruneBackups(t!.repo, { keep: { last: 1 } })).removed).toEqual([ids[0]]);
    await collectGarbage(t!.repo, { graceMs: 0 });
    expect((await verifyRepository(t!.repo)).ok).toBe(true);
  });
});
