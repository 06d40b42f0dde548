import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { END, entryHeader, padding, type TarEntry } from './tar';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const T = Date.UTC(2026, 10, 24, 9, 30, 15);

/** An archive of `entries` (files hold `data`), written to a file. */
function writeArchive(entries: (TarEntry & { data?: Buffer })[]): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-tar-'));
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(entryHeader(e));
    if (e.type === 'file') parts.push(e.data ?? Buffer.alloc(0), padding(e.size));
  }
  parts.push(END);
  const file = path.join(dir, 'a.tar');
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** What Python's tarfile (a second, independent reader) sees in an archive. */
function pythonList(
  file: string,
): { name: string; type: string; size: number; mode: number; uid: number; gid: number; mtime: number; target: string }[] {
  const script = `
import json, sys, tarfile
with tarfile.open(sys.argv[1], encoding='utf-8', errors='surrogateescape') as t:
    print(json.dumps([dict(name=m.name, type=m.type.decode(), size=m.size, mode=m.mode, uid=m.uid, gid=m.gid, mtime=m.mtime, target=m.linkname) for m in t.getmembers()]))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as ReturnType<typeof pythonList>;
}

const file = (name: string, data: Buffer, extra: Partial<TarEntry> = {}): TarEntry & { data: Buffer } => ({
  name,
  type: 'file',
  size: data.length,
  mode: 0o640,
  uid: 1000,
  gid: 1000,
  mtimeMs: T,
  data,
  ...extra,
});

describe('tar writer', () => {
  it('writes folders, files and symlinks that GNU tar extracts with their bytes, modes, times and targets', () => {
    const conf = Buffer.from('worker_processes 4;\n'.repeat(100));
    const odd = Buffer.alloc(513, 7); // one byte past a block: padding matters
    const a = writeArchive([
      { name: 'etc', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtimeMs: T },
      file('etc/nginx.conf', conf),
      file('etc/odd.bin', odd, { mode: 0o600 }),
      file('etc/empty', Buffer.alloc(0)),
      { name: 'etc/current', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtimeMs: T, target: Buffer.from('nginx.conf') },
    ]);
    const out = path.join(dir!, 'out');
    fs.mkdirSync(out);
    execFileSync('tar', ['-xf', a, '-C', out]);
    expect(fs.readFileSync(path.join(out, 'etc/nginx.conf'))).toEqual(conf);
    expect(fs.readFileSync(path.join(out, 'etc/odd.bin'))).toEqual(odd);
    expect(fs.readFileSync(path.join(out, 'etc/empty'))).toHaveLength(0);
    expect(fs.readlinkSync(path.join(out, 'etc/current'))).toBe('nginx.conf');
    expect(fs.statSync(path.join(out, 'etc/odd.bin')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(out, 'etc/nginx.conf')).mtimeMs).toBe(T);
    const listed = pythonList(a);
    expect(listed.map((m) => [m.name, m.type, m.size])).toEqual([
      ['etc', '5', 0],
      ['etc/nginx.conf', '0', conf.length],
      ['etc/odd.bin', '0', 513],
      ['etc/empty', '0', 0],
      ['etc/current', '2', 0],
    ]);
    expect(listed[1]).toMatchObject({ uid: 1000, gid: 1000, mode: 0o640, mtime: T / 1000 });
  });

  it('keeps names and targets longer than ustar holds, non-ASCII and non-UTF-8 names, big ids and times before 1970 (pax headers)', () => {
    const deep = `${'folder-with-a-long-name/'.repeat(12)}file.txt`; // 296 bytes: no ustar split fits
    const split = `${'a'.repeat(120)}/${'b'.repeat(90)}`; // fits ustar's prefix + name
    const longTarget = Buffer.from(`../${'up/'.repeat(40)}target`);
    const a = writeArchive([
      file(deep, Buffer.from('deep\n')),
      file(split, Buffer.from('split\n')),
      file('café-ünïcode.txt', Buffer.from('é\n')),
      file('big-ids', Buffer.from('x'), { uid: 4_000_000_000, gid: 3_000_000 }),
      file('old', Buffer.from('x'), { mtimeMs: Date.UTC(1960, 0, 1) }),
      { name: 'link', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtimeMs: T, target: longTarget },
    ]);
    const listed = pythonList(a);
    expect(listed.map((m) => m.name)).toEqual([deep, split, 'café-ünïcode.txt', 'big-ids', 'old', 'link']);
    expect(listed[3]).toMatchObject({ uid: 4_000_000_000, gid: 3_000_000 });
    expect(listed[4]!.mtime).toBe(Date.UTC(1960, 0, 1) / 1000);
    expect(listed[5]!.target).toBe(longTarget.toString());
    const out = path.join(dir!, 'out');
    fs.mkdirSync(out);
    execFileSync('tar', ['-xf', a, '-C', out], { stdio: 'pipe' }); // (it warns of the 1960 time, as it should)
    expect(fs.readFileSync(path.join(out, deep), 'utf8')).toBe('deep\n');
    expect(fs.readFileSync(path.join(out, split), 'utf8')).toBe('split\n');
    expect(fs.readFileSync(path.join(out, 'café-ünïcode.txt'), 'utf8')).toBe('é\n');
    expect(fs.readlinkSync(path.join(out, 'link'))).toBe(longTarget.toString());
  });
});
