import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk, startBackup } from './backup';
import { listBackups } from './listing';
import { openDiskReader } from './disk-reader';
import { InvalidArgumentError } from '../errors';
import { extentSource, fileSource, streamSource } from '../io/extents';
import type { EngineProgress } from './progress';
import { restoreDisk } from './restore';
import { fileSink, streamSink } from '../io/sinks';
import { allocatedBytes, type BlockKind, gated, scribble, sha256File, textBlock, writeImage } from '../testing/fixtures';
import { makeRepo, type TestRepo } from '../testing/repos';

const CHUNK = 256 * 1024;
// 24 chunks and a ragged tail: text, holes, duplicates, random data.
const LAYOUT: BlockKind[] = ['text', 'text', 'zero', 'zero', 'random', { dupOf: 0 }, 'text', 'zero', 'text', { dupOf: 6 }, 'text', 'text',
  'zero', 'zero', 'zero', 'zero', 'text', 'random', 'text', 'zero', { dupOf: 1 }, 'text', 'text', 'text'];
const TAIL = 10_001;
const SIZE = LAYOUT.length * CHUNK + TAIL;
const HOLE_BYTES = LAYOUT.filter((k) => k === 'zero').length * CHUNK;

let t: TestRepo | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function restoreTo(tr: TestRepo, name: string, backup?: string, disk?: string): Promise<string> {
  const out = path.join(tr.work, name);
  await restoreDisk(tr.repo, { group: 'vol-1', ...(backup ? { backup } : {}), ...(disk ? { disk } : {}), sink: fileSink(out) });
  return out;
}

describe.each([false, true])('backup and restore (encrypted: %s)', (encrypted) => {
  it('restores every backup of a full + incremental chain byte for byte, holes kept', async () => {
    t = await makeRepo({ encrypted, chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, LAYOUT, 1, TAIL);
    const sums: string[] = [sha256File(img)];
    const ids: string[] = [];

    const full = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    ids.push(full.id);
    expect(full.disks[0]!.stats.holes).toBe(LAYOUT.filter((k) => k === 'zero').length);
    // duplicates are stored once: 24 positions, 8 holes, 3 duplicates, 1 tail
    expect(full.totals.chunksNew).toBe(24 - 8 - 3 + 1);

    // incremental with a changed-extent list: an unaligned write across a chunk boundary, one inside a hole
    const changes = [scribble(img, 6 * CHUNK - 1000, 5000, 2), scribble(img, 13 * CHUNK + 77, 300, 3)];
    // read as a stream would: only the changed bytes, the rest of their chunks from the parent
    const streamLike = { ...fileSource(img), randomAccess: false };
    const inc1 = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: streamLike, changedExtents: changes });
    ids.push(inc1.id);
    sums.push(sha256File(img));
    expect(inc1.parent).toBe(full.id);
    expect(inc1.disks[0]!.stats.bytesRead).toBe(5300);
    expect(inc1.totals.chunksNew).toBe(3);

    // incremental without a list: everything is read, only new chunks stored
    scribble(img, 20 * CHUNK, 100, 4);
    const inc2 = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    ids.push(inc2.id);
    sums.push(sha256File(img));
    expect(inc2.disks[0]!.stats.bytesRead).toBe(SIZE);
    expect(inc2.totals.chunksNew).toBe(1);

    // a discard: the range is listed as changed and now reads as zeros
    const fd = fs.openSync(img, 'r+');
    fs.writeSync(fd, Buffer.alloc(CHUNK), 0, CHUNK, 8 * CHUNK);
    fs.closeSync(fd);
    // a file is read in whole chunks around the changes (cheaper than decoding the parent's)
    const halves = [{ offset: 8 * CHUNK, length: CHUNK / 2 }, { offset: 8 * CHUNK + CHUNK / 2, length: CHUNK / 2 }];
    const inc3 = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img), changedExtents: halves });
    expect(inc3.disks[0]!.stats.bytesRead).toBe(CHUNK);
    ids.push(inc3.id);
    sums.push(sha256File(img));
    // position 13 stopped being a hole in inc1, position 8 became one
    expect(inc3.disks[0]!.stats.holes).toBe(full.disks[0]!.stats.holes - 1 + 1);
    expect(inc3.totals.chunksNew).toBe(0);

    // every backup restores exactly, newest and oldest alike (each index is a full one)
    for (const [i, id] of ids.entries()) {
      const out = await restoreTo(t, `restore-${i}.img`, id.split('/')[1]);
      expect(sha256File(out), `backup ${i}`).toBe(sums[i]);
      expect(fs.statSync(out).size).toBe(SIZE);
      expect(allocatedBytes(out)).toBeLessThanOrEqual(SIZE - HOLE_BYTES + 64 * 1024);
    }
    expect((await listBackups(t.repo, 'vol-1')).map((b) => b.id)).toEqual(ids);
  });

  it('streams in and out without files, and reads at random offsets', async () => {
    t = await makeRepo({ encrypted, chunkSize: CHUNK });
    const data = Buffer.concat([textBlock(3 * CHUNK + 5, 9), Buffer.alloc(2 * CHUNK), textBlock(1234, 10)]);
    // a stream delivers odd-sized pieces, as SSH or HTTP would
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = 0; at < data.length; at += 65_537) yield data.subarray(at, Math.min(data.length, at + 65_537));
    }
    await backupDisk(t.repo, { group: 'vol-1', name: 'vdb', source: streamSource(pieces(), data.length) });
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (b: Buffer) => got.push(b));
    await restoreDisk(t.repo, { group: 'vol-1', sink: streamSink(out) });
    expect(Buffer.concat(got).equals(data)).toBe(true);

    const reader = await openDiskReader(t.repo, { group: 'vol-1' });
    for (const [off, len] of [[0, 10], [CHUNK - 3, 7], [3 * CHUNK, 2 * CHUNK + 50], [data.length - 5, 100]] as const) {
      expect((await reader.read(off, len)).equals(data.subarray(off, Math.min(data.length, off + len)))).toBe(true);
    }
    await reader.close();
  });
});

describe('backup behaviour', () => {
  it('writes several disks into one backup with its metadata', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const a = path.join(t.work, 'a.img');
    const b = path.join(t.work, 'b.img');
    writeImage(a, CHUNK, ['text', 'zero', 'text'], 11);
    writeImage(b, CHUNK, ['random', { dupOf: 0 }], 12);
    const w = await startBackup(t.repo, { group: 'vm-1', sourceInfo: { kind: 'instance', id: 'vm-1' }, metadata: { nova: { flavor: 'm1.small' } } });
    await w.addDisk({ name: 'vda', source: fileSource(a) });
    await w.addDisk({ name: 'vdb', source: fileSource(b) });
    expect(await listBackups(t.repo)).toEqual([]); // nothing visible before commit
    const m = await w.commit();
    const [listed] = await listBackups(t.repo);
    expect(listed).toEqual(m);
    expect(listed!.metadata).toEqual({ nova: { flavor: 'm1.small' } });
    expect(listed!.disks.map((d) => d.name)).toEqual(['vda', 'vdb']);
    const out = path.join(t.work, 'b.out');
    await restoreDisk(t.repo, { group: 'vm-1', disk: 'vdb', sink: fileSink(out) });
    expect(sha256File(out)).toBe(sha256File(b));
    await expect(restoreDisk(t.repo, { group: 'vm-1', sink: fileSink(out) })).rejects.toThrow(/2 disks/);
  });

  it('follows a resized disk with a changed-extent list', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'text', 'text'], 13, 999);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    fs.truncateSync(img, 5 * CHUNK + 17); // grown: the old tail is now inside a chunk
    const change = scribble(img, 4 * CHUNK, 100, 14);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img), changedExtents: [change] });
    expect(sha256File(await restoreTo(t, 'grown.img'))).toBe(sha256File(img));
    fs.truncateSync(img, CHUNK + 5); // shrunk
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img), changedExtents: [] });
    expect(sha256File(await restoreTo(t, 'shrunk.img'))).toBe(sha256File(img));
  });

  it('follows a resized disk from a source that yields only the changed extents', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    let disk = Buffer.concat([textBlock(2 * CHUNK + 300, 19)]);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: extentSource(disk.length, async function* () { yield { offset: 0, length: disk.length, data: Buffer.from(disk) }; }) });
    // grown by a chunk and a half (new space reads as zeros), and 10 bytes changed near the old end
    const grown = Buffer.concat([disk, Buffer.alloc(CHUNK + CHUNK / 2)]);
    grown.write('0123456789', 2 * CHUNK + 100, 'latin1');
    const only = (buf: Buffer, offset: number, length: number) => extentSource(buf.length, async function* () { yield { offset, length, data: Buffer.from(buf.subarray(offset, offset + length)) }; });
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: only(grown, 2 * CHUNK + 100, 10), changedExtents: [{ offset: 2 * CHUNK + 100, length: 10 }] });
    expect(fs.readFileSync(await restoreTo(t, 'grown.img')).equals(grown)).toBe(true);
    // shrunk into the middle of a chunk, nothing else changed
    disk = grown.subarray(0, CHUNK + 1000);
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: extentSource(disk.length, async function* () {}), changedExtents: [] });
    expect(fs.readFileSync(await restoreTo(t, 'shrunk.img')).equals(disk)).toBe(true);
  });

  it('refuses a changed-extent list without a previous backup', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text'], 15);
    await expect(backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img), changedExtents: [{ offset: 0, length: 1 }] })).rejects.toThrow(InvalidArgumentError);
    expect(await listBackups(t.repo)).toEqual([]);
  });

  it('reports progress: bytes read, new, stored and a rate', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'zero', 'text', { dupOf: 0 }], 16);
    const seen: EngineProgress[] = [];
    await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img), onProgress: (p) => seen.push(p), progressIntervalMs: 0 });
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ phase: 'backup', disk: 'vda', bytesTotal: 4 * CHUNK, bytesDone: 4 * CHUNK, bytesRead: 4 * CHUNK, bytesNew: 2 * CHUNK });
    expect(last.bytesStored).toBeGreaterThan(0);
    expect(last.bytesStored).toBeLessThan(CHUNK);
    expect(last.rate).toBeGreaterThan(0);
    expect(seen.map((p) => p.bytesDone)).toEqual([...seen.map((p) => p.bytesDone)].sort((a, b) => a - b));
  });

  it('cancels cleanly: AbortError, nothing listed, no folder or lock left', async () => {
    t = await makeRepo({ chunkSize: CHUNK });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, CHUNK, ['text', 'text', 'text', 'text'], 18);
    const g = gated(fileSource(img), 2);
    const ac = new AbortController();
    const running = backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: g.source, signal: ac.signal });
    await g.reached;
    ac.abort();
    g.release();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(await listBackups(t.repo)).toEqual([]);
    expect(fs.readdirSync(t.repo.layout.group('vol-1'))).toEqual([]);
    expect(fs.readdirSync(t.repo.layout.locks)).toEqual([]);
  });

  it('works with the default 4 MiB chunks', async () => {
    t = await makeRepo({ chunkSize: 4 * 1024 * 1024 });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, 4 * 1024 * 1024, ['text', 'zero', { dupOf: 0 }], 17, 4096);
    const m = await backupDisk(t.repo, { group: 'vol-1', name: 'vda', source: fileSource(img) });
    expect(m.totals.chunksNew).toBe(2);
    expect(sha256File(await restoreTo(t, 'out.img'))).toBe(sha256File(img));
  });
});
