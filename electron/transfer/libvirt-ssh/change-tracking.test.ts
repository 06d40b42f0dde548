import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource, parseRef, writeNote } from '../../engine';
import { writeImage } from '../../engine/testing/fixtures';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';
import { BlockDigests } from './block-diff';
import { changedRanges, readTracking, TRACKING_NOTE, trackingBlockSize, writeTracking } from './change-tracking';

let t: TestRepo;
afterEach(() => t?.cleanup());
const KiB = 1024;
const GiB = 1024 ** 3;

describe('block digests of file disks', () => {
  it('are kept with the restore point and read back by disk, in encrypted destinations too', async () => {
    t = await makeRepo({ encrypted: true });
    const img = path.join(t.work, 'a.img');
    writeImage(img, 128 * KiB, ['random'], 1);
    const ref = parseRef((await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(img) })).id);
    const data = randomBytes(300 * KiB);
    const vda = new BlockDigests(data.length, 64 * KiB);
    vda.hashAt(0, data);
    await writeTracking(t.repo, ref, new Map([['vda', vda]]));
    const back = await readTracking(t.repo, ref);
    expect([...back.keys()]).toEqual(['vda']);
    expect(back.get('vda')!.digests.equals(vda.digests)).toBe(true);
    expect(back.get('vda')!.size).toBe(vda.size);
  });

  it('leave out a disk whose digests do not add up, and read as none from a restore point without them', async () => {
    t = await makeRepo({});
    const img = path.join(t.work, 'a.img');
    writeImage(img, 128 * KiB, ['random'], 1);
    const ref = parseRef((await backupDisk(t.repo, { group: 'vm-1', name: 'vda', source: fileSource(img) })).id);
    expect((await readTracking(t.repo, ref)).size).toBe(0);
    const short = Buffer.alloc(32 * 2).toString('base64'); // 2 digests for a disk of 3 blocks
    await writeNote(t.repo, ref, TRACKING_NOTE, { format: 'backstack-block-digests', version: 1, disks: [{ disk: 'vda', size: 3 * 64 * KiB, blockSize: 64 * KiB, digests: short }] });
    expect((await readTracking(t.repo, ref)).size).toBe(0);
    await writeNote(t.repo, ref, TRACKING_NOTE, { format: 'something-else' });
    expect((await readTracking(t.repo, ref)).size).toBe(0);
  });

  it('say which byte ranges changed, block by block (a hole that was data included)', () => {
    const size = 5 * 64 * KiB + 100;
    const before = Buffer.alloc(size, 1);
    const after = Buffer.from(before);
    after[64 * KiB + 7] = 9; // block 1
    after.fill(0, 3 * 64 * KiB, 4 * 64 * KiB); // block 3 discarded
    after[size - 1] = 2; // the short last block
    const [a, b] = [new BlockDigests(size, 64 * KiB), new BlockDigests(size, 64 * KiB)];
    a.hashAt(0, before);
    b.hashAt(0, after);
    expect(changedRanges(a, b)).toEqual([
      { offset: 64 * KiB, length: 64 * KiB },
      { offset: 3 * 64 * KiB, length: 64 * KiB },
      { offset: 5 * 64 * KiB, length: 100 },
    ]);
    expect(changedRanges(a, a)).toEqual([]);
  });

  it('use 64 KiB blocks up to 8 GiB, larger ones above (at most 128 Ki digests), never beyond the chunk', () => {
    expect(trackingBlockSize(GiB, 4 * 1024 * KiB)).toBe(64 * KiB);
    expect(trackingBlockSize(8 * GiB, 4 * 1024 * KiB)).toBe(64 * KiB);
    expect(trackingBlockSize(100 * GiB, 4 * 1024 * KiB)).toBe(1024 * KiB);
    expect(trackingBlockSize(4096 * GiB, 4 * 1024 * KiB)).toBe(4 * 1024 * KiB);
    expect(trackingBlockSize(100 * GiB, 64 * KiB)).toBe(64 * KiB);
  });
});
