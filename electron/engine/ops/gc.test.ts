import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from './backup';
import { listBackups } from './listing';
import { RepositoryLockedError } from '../errors';
import { fileSource } from '../io/extents';
import { collectGarbage } from './gc';
import { processIdentity } from '../../lib/process-identity';
import { pruneBackups } from './prune';
import { restoreDisk } from './restore';
import { fileSink } from '../io/sinks';
import { ageTree, gated, scribble, sha256File, writeImage } from '../testing/fixtures';
import { makeRepo, type TestRepo } from '../testing/repos';
import { verifyRepository } from './verify';

const CHUNK = 64 * 1024;
const HOUR = 3_600_000;
let t: TestRepo | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const chunkCount = (): number =>
  fs.readdirSync(t!.repo.layout.chunks).reduce((n, p) => n + fs.readdirSync(path.join(t!.repo.layout.chunks, p)).filter((f) => /^[0-9a-f]{64}$/.test(f)).length, 0);

async function restoredSum(group: string, backup?: string): Promise<string> {
  const out = path.join(t!.work, `r-${Math.random()}.img`);
  await restoreDisk(t!.repo, { group, ...(backup ? { backup } : {}), sink: fileSink(out) });
  return sha256File(out);
}

describe('prune and GC', () => {
  it('prune dry run reports, prune removes, GC reclaims only what no backup uses', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'text', 'text', 'zero'], 31);
    const sums: string[] = [];
    for (let i = 0; i < 4; i++) {
      scribble(img, i * CHUNK, 100, 40 + i); // each backup changes one more chunk
      await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
      sums.push(sha256File(img));
    }
    const dry = await pruneBackups(t.repo, { keep: { last: 2 }, dryRun: true });
    expect(dry.removed).toHaveLength(2);
    expect(await listBackups(t.repo)).toHaveLength(4);
    expect(dry.groups[0]!.decisions.map((d) => d.reasons[0])).toEqual(['last #1 of 2', 'last #2 of 2', 'no rule keeps it', 'no rule keeps it']);

    const before = chunkCount();
    const pruned = await pruneBackups(t.repo, { keep: { last: 2 } });
    expect(pruned.removed).toEqual(dry.removed);
    expect(await listBackups(t.repo)).toHaveLength(2);

    // young garbage survives the grace period
    expect((await collectGarbage(t.repo)).chunksRemoved).toBe(0);
    ageTree(t.repo.layout.chunks, 2 * HOUR);
    const gc = await collectGarbage(t.repo);
    expect(gc.chunksRemoved).toBe(2); // the first two versions of chunk 0
    expect(gc.bytesRemoved).toBeGreaterThan(0);
    expect(chunkCount()).toBe(before - 2);
    expect((await verifyRepository(t.repo)).ok).toBe(true);
    const kept = await listBackups(t.repo);
    expect(await restoredSum('vol-1', kept[0]!.time)).toBe(sums[2]);
    expect(await restoredSum('vol-1', kept[1]!.time)).toBe(sums[3]);
  });

  it('is safe beside a running backup that reuses old garbage and writes new chunks', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'text', 'text', 'text', 'text', 'text'], 32);
    const old = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    await pruneBackups(t.repo, { keep: { last: 1 }, group: 'nothing-else' });
    fs.rmSync(t.repo.layout.backup(old), { recursive: true }); // its chunks are now garbage ...
    ageTree(t.repo.layout.chunks, 2 * HOUR); // ... written long ago
    scribble(img, 5 * CHUNK, 10, 33); // the running backup also writes one new chunk, at the end

    const g = gated(fileSource(img), 3);
    let threeDone!: () => void;
    const done = new Promise<void>((r) => (threeDone = r));
    const onProgress = (p: { bytesDone: number }): void => {
      if (p.bytesDone >= 3 * CHUNK) threeDone();
    };
    const running = backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: g.source, onProgress, progressIntervalMs: 0 });
    await g.reached;
    await done; // chunks 0-2 went through the writer (touched); 3-5 not yet
    const gc = await collectGarbage(t.repo, { graceMs: 0 });
    expect(gc.chunksRemoved).toBe(3); // old 3, 4, 5: no one uses them yet
    g.release();
    const m = await running;
    expect(m.totals.chunksReused + m.totals.chunksNew).toBe(6);
    expect((await verifyRepository(t.repo)).ok).toBe(true);
    expect(await restoredSum('vol-1')).toBe(sha256File(img));
  });

  it('keeps the parent of a running incremental through prune and GC', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'text', 'text', 'text'], 34);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    ageTree(t.repo.layout.chunks, 2 * HOUR);
    const change = scribble(img, 2 * CHUNK, 10, 35);
    const g = gated(fileSource(img), 0);
    const running = backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: g.source, changedExtents: [change] });
    await g.reached;
    const pruned = await pruneBackups(t.repo, { keep: { last: 1 }, group: 'vol-1' }); // the only backup: kept anyway
    expect(pruned.removed).toEqual([]);
    const gc = await collectGarbage(t.repo, { graceMs: 0 });
    expect(gc.chunksRemoved).toBe(0);
    g.release();
    await running;
    await pruneBackups(t.repo, { keep: { last: 1 } }); // now the parent goes
    ageTree(t.repo.layout.chunks, 2 * HOUR);
    expect((await collectGarbage(t.repo, { graceMs: 0 })).chunksRemoved).toBe(1);
    expect((await verifyRepository(t.repo)).ok).toBe(true);
    expect(await restoredSum('vol-1')).toBe(sha256File(img));
  });

  it('refuses to run twice at once, and takes over the lock of a dead GC', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const lock = path.join(t.repo.layout.locks, 'gc.lock');
    const holder = { kind: 'garbage collection', host: (await import('node:os')).hostname(), pid: process.pid, identity: processIdentity(), startedAt: Date.now() };
    fs.writeFileSync(lock, JSON.stringify(holder));
    await expect(collectGarbage(t.repo)).rejects.toBeInstanceOf(RepositoryLockedError);
    fs.writeFileSync(lock, JSON.stringify({ ...holder, pid: 999_999, identity: '999999:1' }));
    await expect(collectGarbage(t.repo)).resolves.toMatchObject({ chunksRemoved: 0 });
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('removes what dead writers left: unfinished backups, temporary files, stale locks', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text'], 36);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    const partial = path.join(t.repo.layout.group('vol-1'), '2020-01-01T00-00-00.000Z');
    fs.mkdirSync(partial);
    fs.writeFileSync(path.join(partial, 'vda.idx'), 'half');
    const tmpChunk = path.join(t.repo.layout.chunks, 'ab', `ab${'0'.repeat(62)}.tmp-123456`);
    fs.mkdirSync(path.dirname(tmpChunk), { recursive: true });
    fs.writeFileSync(tmpChunk, 'half a chunk');
    const stale = path.join(t.repo.layout.locks, 'session-dead.json');
    fs.writeFileSync(stale, JSON.stringify({ kind: 'backup', host: (await import('node:os')).hostname(), pid: 999_999, identity: '999999:1', startedAt: 0, protects: [], writing: path.relative(t.repo.dir, partial) }));
    ageTree(t.repo.dir, 2 * HOUR);
    const gc = await collectGarbage(t.repo);
    expect(gc.leftoversRemoved).toBe(2);
    expect(fs.existsSync(partial) || fs.existsSync(tmpChunk) || fs.existsSync(stale)).toBe(false);
    expect((await verifyRepository(t.repo)).ok).toBe(true);
  });
});
