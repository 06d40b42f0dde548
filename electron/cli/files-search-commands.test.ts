import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDisk, fileSource, initRepository, openRepository } from '../engine';
import { mkfsExt4, writeHostileNames, writeTree } from '../filesystems/testing/images';
import { testCli } from './test-cli';

// `backstack files index` and `backstack files search` as an admin runs them: two restore points of
// an ext4 disk (in the second /etc/hostname changed), in a destination the catalog knows.
let cli: ReturnType<typeof testCli>;
const ids: string[] = [];

beforeAll(async () => {
  cli = testCli('backstack-cli-search-');
  const work = path.join(cli.home, 'work');
  const tree = path.join(work, 'tree');
  writeTree(tree);
  writeHostileNames(tree);
  const dest = path.join(work, 'dest');
  await initRepository(dest, { chunkSize: 1024 * 1024 });
  const repo = await openRepository(dest, {});
  try {
    for (const host of ['web-1\n', 'web-one\n']) {
      fs.writeFileSync(path.join(tree, 'etc/hostname'), host);
      const image = path.join(work, 'disk.img');
      mkfsExt4(image, tree, 64);
      ids.push((await backupDisk(repo, { group: 'vm-1', name: 'vda', source: fileSource(image), sourceInfo: { kind: 'instance', resourceId: 'vm-1', resourceName: 'web-1' } })).id);
    }
  } finally {
    await repo.close();
  }
  expect(await cli.run(['destination', 'add', 'local', dest])).toBe(0);
}, 120_000);
afterAll(() => cli.cleanup());

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  cli.clear();
  const code = await cli.run(args);
  return { code, out: cli.io.out, err: cli.io.err };
}

describe('backstack files search', () => {
  it('says which restore points are not indexed and how to index them; index --missing does it', async () => {
    const before = await run(['files', 'search', 'nginx.conf']);
    expect(before).toMatchObject({ code: 0 });
    expect(before.out).toContain('Nothing found in 0 restore points');
    expect(before.out).toContain('2 restore points are not indexed yet: backstack files index --missing');
    const indexed = await run(['files', 'index', '--missing']);
    expect(indexed.code).toBe(0);
    expect(indexed.out).toMatch(/^\d+ entries of 1 file system indexed\.\n\d+ entries of 1 file system indexed\.\n$/);
    // a second time: each is indexed already, nothing is read again
    expect((await run(['files', 'index', '--backup', ids[0]!])).out).toBe(`${ids[0]} was indexed already.\n`);
  }, 60_000);

  it('lists each path with its versions: the one that changed, and where', async () => {
    const r = await run(['files', 'search', 'hostname', '--instance', 'vm-1']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'web-1  vda:/etc/hostname\n' +
        `${' '.repeat(18)}6 B  ${r.out.match(/6 B {2}(\S+ \S+)/)![1]}  ${ids[0]}\n` +
        `  changed${' '.repeat(9)}8 B  ${r.out.match(/8 B {2}(\S+ \S+)/)![1]}  ${ids[1]}\n` +
        `1 path found in 2 restore points (${r.out.match(/\((\d+) entries\)/)![1]} entries) in ${r.out.match(/in (\d+) ms/)![1]} ms.\n`,
    );
    const globbed = JSON.parse((await run(['files', 'search', '/etc/nginx/*', '--json'])).out) as { hits: { path: string; versions: unknown[] }[] };
    expect(globbed.hits.map((h) => [h.path, h.versions.length])).toEqual([
      ['/etc/nginx/current', 1],
      ['/etc/nginx/nginx.conf', 1],
    ]);
    // names a terminal would act on are shown escaped
    const hostile = await run(['files', 'search', 'bell']);
    expect(hostile.out).toContain('vda:/hostile/bell\\x07\\x1b[31mred');
    expect(hostile.out).not.toContain('\x1b');
  }, 60_000);

  it('refuses what it cannot do, saying what to give', async () => {
    expect(await run(['files', 'index'])).toMatchObject({ code: 2, err: expect.stringContaining('Name a restore point with --backup ID, or index all those without an index with --missing.') });
    expect(await run(['files', 'search', 'x', '--instance', 'nope'])).toMatchObject({
      code: 4,
      err: 'backstack: The catalog holds no restore point of instance nope: back it up first, or re-index the destination that holds its restore points.\n',
    });
  });
});
