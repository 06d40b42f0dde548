import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDisk, fileSource, listBackups } from '../../engine';
import { scribble, writeImage } from '../../engine/testing/fixtures';
import { makeRepo, type TestRepo } from '../../engine/testing/repos';
import { applyRetention } from './retention';

let t: TestRepo | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('policy retention', () => {
  it('prunes only the restore points this installation made, in a destination another one shares', async () => {
    t = await makeRepo({ chunkSize: 64 * 1024 });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, 64 * 1024, ['text', 'text'], 7);
    const made: { id: string; by: string }[] = [];
    for (const by of ['mine', 'theirs', 'mine', 'theirs', 'mine']) {
      scribble(img, 0, 100, made.length);
      const m = await backupDisk(t.repo, { group: 'inst-1', name: 'vda', source: fileSource(img), sourceInfo: { installation: by } });
      made.push({ id: m.id, by });
    }
    const r = await applyRetention(t.repo, 'inst-1', { last: 1 }, 'mine');
    const mine = made.filter((x) => x.by === 'mine').map((x) => x.id);
    expect(r.kept).toEqual([mine[2]]);
    expect(r.removed.sort()).toEqual([mine[0], mine[1]].sort());
    // the other installation's two restore points are untouched, whatever our rules say
    expect((await listBackups(t.repo, 'inst-1')).map((m) => m.id)).toEqual(made.filter((x) => x.by === 'theirs' || x.id === mine[2]).map((x) => x.id));
  });

  it('changes nothing when the policy keeps everything', async () => {
    t = await makeRepo({ chunkSize: 64 * 1024 });
    const img = path.join(t.work, 'disk.img');
    writeImage(img, 64 * 1024, ['text'], 8);
    await backupDisk(t.repo, { group: 'inst-1', name: 'vda', source: fileSource(img), sourceInfo: { installation: 'mine' } });
    expect(await applyRetention(t.repo, 'inst-1', {}, 'mine')).toEqual({ removed: [], kept: [] });
    expect(await listBackups(t.repo, 'inst-1')).toHaveLength(1);
  });
});
