import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk } from '../ops/backup';
import { pooledAligned } from './buffer-pool';
import { DIRECT_BLOCK, writeNewFileDirect } from './direct-io';
import { fileSource } from './extents';
import { writeFileAtomic } from './fsutil';
import { restoreDisk } from '../ops/restore';
import { fileSink } from './sinks';
import { makeRepo, type TestRepo } from '../testing/repos';

const dirs: string[] = [];
const scratch = (base: string): string => {
  const d = fs.mkdtempSync(path.join(base, 'backstack-direct-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Bytes of the file held in the page cache (util-linux fincore). */
const cachedBytes = (file: string): number => Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' }).trim());

describe('direct chunk-file writes', () => {
  it('writes a file of any length exactly, without filling the page cache', async () => {
    const dir = scratch(os.tmpdir());
    const pool = pooledAligned(2 * 1024 * 1024 + DIRECT_BLOCK);
    const buf = pool.get();
    try {
      const data = randomBytes(2 * 1024 * 1024 - 13);
      data.copy(buf);
      const file = path.join(dir, 'chunk');
      expect(await writeNewFileDirect(file, { buf, length: data.length }, true)).toBe(true);
      // at most the last, partly written page is cached; a buffered write caches all 2 MiB
      expect(cachedBytes(file)).toBeLessThanOrEqual(DIRECT_BLOCK);
      const buffered = path.join(dir, 'buffered');
      fs.writeFileSync(buffered, data);
      expect(cachedBytes(buffered)).toBeGreaterThan(data.length - DIRECT_BLOCK);
      expect(fs.readFileSync(file).equals(data)).toBe(true);
    } finally {
      pool.put(buf);
    }
  });

  it('declines when the kernel refuses the direct write (EINVAL), leaving no file behind; the chunk is then written through the cache', async () => {
    const dir = scratch(os.tmpdir());
    // Memory that is not block-aligned is refused the way a filesystem without O_DIRECT refuses.
    const misaligned = Buffer.alloc(3 * DIRECT_BLOCK).subarray(8, 8 + 2 * DIRECT_BLOCK);
    misaligned.fill(7, 0, 5000);
    const file = path.join(dir, 'chunk');
    expect(await writeNewFileDirect(file, { buf: misaligned, length: 5000 }, true)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    const state = { usable: true };
    const target = path.join(dir, 'final');
    expect(await writeFileAtomic(target, misaligned.subarray(0, 5000), { repoRoot: dir, noReplace: true, direct: { image: { buf: misaligned, length: 5000 }, state } })).toBe(true);
    expect(state.usable).toBe(false);
    expect(fs.readFileSync(target).equals(Buffer.alloc(5000, 7))).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['final']);
    await expect(writeNewFileDirect(path.join(dir, 'x'), { buf: misaligned.subarray(0, 100), length: 100 }, true)).rejects.toThrow(RangeError);
  });

  it('hands out page-aligned slots, knows them again after a round trip, and plain buffers past them', () => {
    const pool = pooledAligned(96 * 1024);
    const taken = Array.from({ length: 48 }, () => pool.get());
    const extra = pool.get();
    const file = path.join(scratch(os.tmpdir()), 'probe');
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_DIRECT, 0o600);
    try {
      // The kernel refuses (EINVAL) a direct write from a misaligned address.
      for (const b of taken) expect(fs.writeSync(fd, b, 0, DIRECT_BLOCK, 0)).toBe(DIRECT_BLOCK);
      expect(() => fs.writeSync(fd, taken[0]!.subarray(8), 0, DIRECT_BLOCK, 0)).toThrow(/EINVAL/);
    } finally {
      fs.closeSync(fd);
    }
    expect(taken.every((b) => pool.isAligned(b) && pool.isAligned(structuredClone(b)))).toBe(true);
    expect(pool.isAligned(extra)).toBe(false);
    expect(pool.isAligned(Buffer.from(new SharedArrayBuffer(96 * 1024)))).toBe(false);
    for (const b of [...taken, extra]) pool.put(structuredClone(b));
    const again = pool.get();
    expect(pool.isAligned(again)).toBe(true);
    pool.put(again);
  });
});

/** Restores the latest backup of group g to a file and compares it with the image. */
async function expectRestores(t: TestRepo, img: string): Promise<void> {
  const out = path.join(t.work, 'restored.img');
  await restoreDisk(t.repo, { group: 'g', sink: fileSink(out) });
  expect(fs.readFileSync(out).equals(fs.readFileSync(img))).toBe(true);
}

describe('a repository on a disk filesystem', () => {
  let t: TestRepo | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('writes its chunks directly and restores byte for byte', async () => {
    t = await makeRepo();
    const img = path.join(t.work, 'disk.img');
    // random (stored raw), text (compressed) and a ragged tail
    fs.writeFileSync(img, Buffer.concat([randomBytes(700 * 1024), Buffer.from('backstack '.repeat(60_000)), randomBytes(1234)]));
    const m = await backupDisk(t.repo, { group: 'g', name: 'vda', source: fileSource(img) });
    expect(t.repo.chunks.directUsable).toBe(true);
    expect(m.totals.chunksNew).toBeGreaterThan(3);
    // the backup left (at most) each chunk file's last page in the page cache
    const chunks = fs.readdirSync(t.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name));
    expect(chunks.length).toBe(m.totals.chunksNew);
    for (const c of chunks) expect(cachedBytes(path.join(c.parentPath, c.name))).toBeLessThanOrEqual(DIRECT_BLOCK);
    await expectRestores(t, img);
  });

  it('reads a disk image past the page cache too (all but a ragged tail)', async () => {
    t = await makeRepo();
    const img = path.join(t.work, 'disk.img');
    fs.writeFileSync(img, Buffer.concat([randomBytes(6 * 256 * 1024), Buffer.from('backstack '.repeat(70_000)), randomBytes(5000)]));
    // evict the image (fsync, then POSIX_FADV_DONTNEED through GNU dd): what stays is the backup's doing
    execFileSync('sync', [img]);
    execFileSync('dd', [`if=${img}`, 'iflag=nocache', 'count=0', 'status=none']);
    expect(cachedBytes(img)).toBe(0);
    await backupDisk(t.repo, { group: 'g', name: 'vda', source: fileSource(img) });
    expect(cachedBytes(img)).toBeLessThanOrEqual(256 * 1024); // the last, partial chunk only
    await expectRestores(t, img);
  });
});
