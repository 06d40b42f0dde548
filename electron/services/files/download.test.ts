import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DamagedError, Tree, type FileSystem, type FsNode } from '../../filesystems';
import { archive, NOTES_NAME, planDownload } from './download';

const MiB = 1024 * 1024;
const T = Date.UTC(2026, 0, 2, 3, 4, 5);
const node = (name: string, type: FsNode['type'], ref: number, size = 0, mode = 0o644): FsNode => ({
  name: Buffer.from(name, 'latin1'),
  type,
  size,
  mode,
  uid: 1000,
  gid: 100,
  mtimeMs: T,
  ref,
});
const data = Buffer.alloc(MiB, 'a');

/**
 * A file system in memory with what a damaged or crafted disk holds: a file whose second MiB is
 * damaged, a folder that cannot be listed, a device, a folder that contains itself, a name with a
 * control character.
 */
function damagedFs(): FileSystem {
  const root = node('', 'dir', 1, 0, 0o755);
  const children: Record<number, FsNode[]> = {
    1: [
      node('ok.txt', 'file', 2, 6),
      node('bad.bin', 'file', 3, 3 * MiB),
      node('broken', 'dir', 4),
      node('tty', 'chardev', 5),
      node('sub', 'dir', 6, 0, 0o750),
      node('bell\x07', 'file', 7, 1),
    ],
    6: [{ ...root, name: Buffer.from('again') }],
  };
  return {
    kind: 'ext4',
    label: null,
    uuid: null,
    root: async () => root,
    list: async (d) => {
      if (d.ref === 4) throw new DamagedError('an htree node points past the folder');
      return children[d.ref] ?? [];
    },
    read: async (f, offset, length) => {
      if (f.ref === 2) return Buffer.from('hello\n');
      if (offset >= MiB) throw new DamagedError('an extent points past the end of the volume');
      return data.subarray(0, length);
    },
    readlink: async () => Buffer.alloc(0),
    dataRanges: async (f) => [{ offset: 0, length: f.size }],
  };
}

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function extract(chunks: AsyncIterable<Buffer>): Promise<string> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-archive-'));
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  fs.writeFileSync(path.join(dir, 'a.tar'), Buffer.concat(parts));
  fs.mkdirSync(path.join(dir, 'out'));
  execFileSync('tar', ['-xf', path.join(dir, 'a.tar'), '-C', path.join(dir, 'out')]);
  return path.join(dir, 'out');
}

describe('archive of a damaged file system', () => {
  it('stays a readable archive: damaged bytes become zeros, what cannot be archived is left out, and the notes say both', async () => {
    const out = await extract(archive(new Tree(damagedFs()), ['/'], new AbortController().signal));
    expect(fs.readdirSync(path.join(out, 'root')).sort()).toEqual(['bad.bin', 'ok.txt', 'sub']);
    expect(fs.readFileSync(path.join(out, 'root/ok.txt'), 'utf8')).toBe('hello\n');
    const bad = fs.readFileSync(path.join(out, 'root/bad.bin'));
    expect(bad).toHaveLength(3 * MiB);
    expect(bad.subarray(0, MiB).equals(data)).toBe(true);
    expect(bad.subarray(MiB).every((b) => b === 0)).toBe(true);
    expect(fs.statSync(path.join(out, 'root/sub')).mode & 0o777).toBe(0o750);
    expect(fs.readFileSync(path.join(out, NOTES_NAME), 'utf8')).toBe(
      [
        'Left out of this archive:',
        '  /bad.bin: an extent points past the end of the volume (the bytes from 1048576 on are zeros in this archive)',
        '  /broken: an htree node points past the folder',
        '  /tty: a chardev is not included',
        '  /sub/again: the folder contains itself (a damaged file system)',
        '  /bell\\x07: a name with bytes that are not printable UTF-8 (control characters, invalid UTF-8 or "/") cannot be written safely',
        '',
      ].join('\n'),
    );
  });

  it('stops reading when the download is cancelled', async () => {
    const stop = new AbortController();
    const it = archive(new Tree(damagedFs()), ['/bad.bin'], stop.signal)[Symbol.asyncIterator]();
    await it.next(); // the header
    stop.abort();
    await expect(it.next()).rejects.toThrow(/aborted/);
  });

  it('names a download for what it holds', async () => {
    const tree = new Tree(damagedFs());
    expect(await planDownload(tree, ['/ok.txt'])).toEqual({ name: 'ok.txt', kind: 'file', size: 6 });
    expect(await planDownload(tree, ['/sub'])).toEqual({ name: 'sub.tar', kind: 'archive', size: null });
    expect(await planDownload(tree, ['/'])).toEqual({ name: 'root.tar', kind: 'archive', size: null });
    expect(await planDownload(tree, ['/ok.txt', '/sub'])).toEqual({ name: 'root-selection.tar', kind: 'archive', size: null });
    expect(await planDownload(tree, ['/bell\\x07'])).toEqual({ name: 'bell_x07', kind: 'file', size: 1 });
    await expect(planDownload(tree, ['/tty'])).rejects.toThrow('/tty is a chardev: only files and folders can be downloaded.');
  });
});
