import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DamagedError } from './errors';
import { extract } from './extract';
import { scratch } from './testing/fixtures';
import { Tree } from './tree';
import type { FileSystem, FsNode, NodeType } from './types';

// Hostile content mkfs cannot produce (names with "/", "..", a folder that contains itself, two
// entries of one name): an in-memory file system, as a crafted image would be parsed.
interface Item {
  name: Buffer;
  type: NodeType;
  data?: Buffer;
  target?: string;
  children?: number[];
}

function memoryFs(items: Record<number, Item>, onRead?: (calls: number) => void): FileSystem {
  let reads = 0;
  const node = (ref: number): FsNode => {
    const i = items[ref]!;
    const mode = { dir: 0o040755, symlink: 0o120777, file: 0o100640 }[i.type as 'dir'] ?? 0o020644;
    return { name: i.name, type: i.type, size: i.data?.length ?? 0, mode, uid: 0, gid: 0, mtimeMs: Date.UTC(2026, 0, 2, 3, 4, 5), ref };
  };
  return {
    kind: 'ext4',
    label: null,
    uuid: null,
    root: async () => node(1),
    list: async (d) => items[d.ref]!.children!.map(node),
    read: async (f, offset, length) => {
      onRead?.(++reads);
      return items[f.ref]!.data!.subarray(offset, offset + length);
    },
    readlink: async (l) => Buffer.from(items[l.ref]!.target!),
    dataRanges: async (f) => (items[f.ref]!.data?.length ? [{ offset: 0, length: items[f.ref]!.data!.length }] : []),
  };
}

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function outDir(): { root: string; out: string } {
  const { dir, cleanup } = scratch();
  cleanups.push(cleanup);
  return { root: dir, out: path.join(dir, 'out') };
}
const listAll = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('copying files out of a restore point', () => {
  it('never writes outside the target folder, whatever the names and links', async () => {
    const { root, out } = outDir();
    const x = Buffer.from('x');
    const fsys = memoryFs({
      1: { name: Buffer.alloc(0), type: 'dir', children: [2, 3, 4, 5, 6, 7, 8, 9] },
      2: { name: Buffer.from('..'), type: 'file', data: x },
      3: { name: Buffer.from('../escape'), type: 'file', data: x },
      4: { name: Buffer.from('/etc/passwd'), type: 'file', data: x },
      5: { name: Buffer.from('a'), type: 'symlink', target: '/tmp' }, // a link, then a folder of the same name
      6: { name: Buffer.from('a'), type: 'dir', children: [10, 6] }, // … that contains itself
      7: { name: Buffer.from('dev'), type: 'chardev' },
      8: { name: Buffer.from('ok.txt'), type: 'file', data: Buffer.from('fine') },
      9: { name: Buffer.from([0x62, 0x07]), type: 'file', data: x },
      10: { name: Buffer.from('inside'), type: 'file', data: x },
    });
    const r = await extract(new Tree(fsys), ['/'], { out, conflict: 'overwrite' });
    expect(listAll(root)).toEqual(['out', 'out/a', 'out/a/inside', 'out/ok.txt'].sort());
    expect(fs.lstatSync(path.join(out, 'a')).isDirectory()).toBe(true); // the link in the way was replaced, not followed
    expect(r.skipped.map((s) => [s.path, s.kind])).toEqual([
      ['/..', 'refused'],
      ['/..\\x2fescape', 'refused'],
      ['/\\x2fetc\\x2fpasswd', 'refused'],
      ['/a/a', 'refused'],
      ['/dev', 'refused'],
      ['/b\\x07', 'refused'],
    ]);
    expect(r.skipped[3]!.reason).toBe('the folder contains itself (a damaged file system)');
    expect(r).toMatchObject({ files: 2, folders: 1, symlinks: 1 });
  });

  it('keeps existing files (skip), writes beside them (rename) or replaces them (overwrite)', async () => {
    const { out } = outDir();
    const fsys = memoryFs({ 1: { name: Buffer.alloc(0), type: 'dir', children: [2] }, 2: { name: Buffer.from('f.txt'), type: 'file', data: Buffer.from('backed up') } });
    const tree = new Tree(fsys);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'f.txt'), 'mine');
    expect((await extract(tree, ['/f.txt'], { out, conflict: 'skip' })).skipped).toEqual([{ path: '/f.txt', reason: `${path.join(out, 'f.txt')} exists already`, kind: 'exists' }]);
    expect(fs.readFileSync(path.join(out, 'f.txt'), 'utf8')).toBe('mine');
    await extract(tree, ['/f.txt'], { out, conflict: 'rename' });
    await extract(tree, ['/f.txt'], { out, conflict: 'rename' });
    expect(listAll(out)).toEqual(['f.txt', 'f.txt.restored', 'f.txt.restored-2']);
    expect(fs.readFileSync(path.join(out, 'f.txt.restored-2'), 'utf8')).toBe('backed up');
    await extract(tree, ['/f.txt'], { out, conflict: 'overwrite' });
    expect(fs.readFileSync(path.join(out, 'f.txt'), 'utf8')).toBe('backed up');
    expect(fs.statSync(path.join(out, 'f.txt')).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.join(out, 'f.txt')).mtimeMs).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });

  it('reports a damaged file and restores the rest', async () => {
    const { out } = outDir();
    const fsys = memoryFs({
      1: { name: Buffer.alloc(0), type: 'dir', children: [2, 3] },
      2: { name: Buffer.from('bad.bin'), type: 'file', data: Buffer.from('x') },
      3: { name: Buffer.from('good.txt'), type: 'file', data: Buffer.from('fine') },
    });
    const read = fsys.read.bind(fsys);
    fsys.read = async (f, o, l) => (f.ref === 2 ? Promise.reject(new DamagedError('an extent points past the end of the file system')) : read(f, o, l));
    const r = await extract(new Tree(fsys), ['/'], { out, conflict: 'skip' });
    expect(r.skipped).toEqual([{ path: '/bad.bin', reason: '/bad.bin: an extent points past the end of the file system', kind: 'refused' }]);
    expect(listAll(out)).toEqual(['good.txt']);
  });

  it('a cancel in the middle of a file leaves neither it nor its temporary behind', async () => {
    const { out } = outDir();
    const abort = new AbortController();
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const fsys = memoryFs(
      { 1: { name: Buffer.alloc(0), type: 'dir', children: [2] }, 2: { name: Buffer.from('big.bin'), type: 'file', data: big } },
      (n) => n === 2 && abort.abort(),
    );
    await expect(extract(new Tree(fsys), ['/big.bin'], { out, conflict: 'skip', signal: abort.signal })).rejects.toThrow(/abort/i);
    expect(listAll(out)).toEqual([]);
  });
});
