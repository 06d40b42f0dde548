import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lines, noise } from './fixtures';

/**
 * Real disk images for the tests, built with Debian's tools without root: a folder of known
 * files (`writeTree`), a file system populated from it (`mkfs.ext4 -d`), partition tables
 * (`sfdisk`, `sgdisk`) on a sparse file with file systems copied in at their offsets.
 */

const MiB = 1024 * 1024;
export const SBIN = (tool: string): string => ['/usr/sbin', '/sbin', '/usr/bin'].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p)) ?? tool;

/** What the test tree holds, to compare against what is read back. */
export interface Expected {
  files: Record<string, { sha256: string; size: number; mode: number; mtimeMs: number }>;
  symlinks: Record<string, string>;
  dirs: string[];
}

// whole seconds: mkfs.ext4 -d copies times without their nanoseconds
const T0 = Date.UTC(2026, 10, 24, 9, 30, 15);

/** A folder with text, binary, sparse and empty files, nested folders, symlinks (relative, absolute, looping), odd modes and times. */
export function writeTree(root: string): Expected {
  const exp: Expected = { files: {}, symlinks: {}, dirs: [] };
  const file = (rel: string, data: Buffer, mode = 0o644, mtimeMs = T0) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    fs.chmodSync(p, mode);
    fs.utimesSync(p, mtimeMs / 1000, mtimeMs / 1000);
    exp.files[`/${rel}`] = { sha256: sha256(data), size: data.length, mode, mtimeMs };
  };
  file('etc/nginx/nginx.conf', lines(3000, 1));
  file('etc/hostname', Buffer.from('web-1\n'), 0o600, T0 - 86_400_000);
  file('usr/bin/tool', noise(700_000, 2), 0o755);
  file('var/empty-file', Buffer.alloc(0));
  file('home/user/notes.txt', lines(40, 3), 0o640, Date.UTC(2030, 0, 1)); // (mkfs.ext4 -d cuts times past 2038, so none here)
  for (let i = 0; i < 300; i++) file(`var/many/file-${String(i).padStart(4, '0')}.log`, lines(10 + i, 100 + i));
  // a sparse file: 32 MiB long, 1 MiB of data in its middle and 4 KiB at its end (mkfs.ext4 -d
  // with inline_data drops a trailing hole)
  const sparse = path.join(root, 'var/lib/sparse.img');
  fs.mkdirSync(path.dirname(sparse), { recursive: true });
  const fd = fs.openSync(sparse, 'w');
  const mid = noise(MiB, 4);
  fs.writeSync(fd, mid, 0, mid.length, 12 * MiB);
  const end = lines(4096, 5);
  fs.writeSync(fd, end, 0, end.length, 32 * MiB - 4096);
  fs.closeSync(fd);
  fs.utimesSync(sparse, T0 / 1000, T0 / 1000);
  const whole = Buffer.alloc(32 * MiB);
  mid.copy(whole, 12 * MiB);
  end.copy(whole, 32 * MiB - 4096);
  exp.files['/var/lib/sparse.img'] = { sha256: sha256(whole), size: whole.length, mode: 0o644, mtimeMs: T0 };
  const link = (rel: string, target: string) => {
    fs.symlinkSync(target, path.join(root, rel));
    exp.symlinks[`/${rel}`] = target;
  };
  link('etc/nginx/current', 'nginx.conf');
  link('etc/passwd-link', '/etc/passwd');
  link('var/loop-a', 'loop-b');
  link('var/loop-b', 'loop-a');
  link('var/long-link', `../${'deep/'.repeat(20)}target`); // longer than 60 bytes: kept in a block, not the inode
  fs.mkdirSync(path.join(root, 'srv/empty'), { recursive: true });
  exp.dirs.push('/etc', '/etc/nginx', '/usr', '/usr/bin', '/var', '/var/many', '/var/lib', '/home', '/home/user', '/srv', '/srv/empty');
  return exp;
}

/** Names a guest could craft: control characters, invalid UTF-8, "..", a backslash. */
export function writeHostileNames(root: string): { shown: string[] } {
  const dir = path.join(root, 'hostile');
  fs.mkdirSync(dir, { recursive: true });
  const names = [Buffer.from('bell\x07\x1b[31mred'), Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]), Buffer.from('..dots'), Buffer.from('back\\slash')];
  for (const n of names) fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), n]), 'x');
  return { shown: ['bell\\x07\\x1b[31mred', 'f\\xff\\xfe.txt', '..dots', 'back\\\\slash'] };
}

export function mkfsExt4(image: string, from: string, sizeMiB: number, extra: string[] = []): void {
  fs.rmSync(image, { force: true });
  execFileSync(SBIN('mkfs.ext4'), ['-q', '-F', '-L', 'rootfs', '-d', from, ...extra, image, `${sizeMiB}M`], { stdio: 'pipe' });
}

/** A sparse disk of `sizeMiB` with a partition table written by sfdisk (MBR) or sgdisk (GPT). */
export function partitionedDisk(disk: string, sizeMiB: number, scheme: 'mbr' | 'gpt', layout: string | string[]): void {
  fs.rmSync(disk, { force: true });
  fs.writeFileSync(disk, '');
  fs.truncateSync(disk, sizeMiB * MiB);
  if (scheme === 'mbr') execFileSync(SBIN('sfdisk'), ['-q', disk], { input: layout as string, stdio: ['pipe', 'pipe', 'pipe'] });
  else execFileSync(SBIN('sgdisk'), [...(layout as string[]), disk], { stdio: 'pipe' });
}

/** Copies a file system image into a disk at a byte offset, leaving its holes as holes. */
export function placeAt(disk: string, image: string, offset: number): void {
  const src = fs.openSync(image, 'r');
  const dst = fs.openSync(disk, 'r+');
  const buf = Buffer.alloc(MiB);
  for (let at = 0; ; at += MiB) {
    const n = fs.readSync(src, buf, 0, MiB, at);
    if (n <= 0) break;
    if (buf.subarray(0, n).some((b) => b !== 0)) fs.writeSync(dst, buf, 0, n, offset + at);
  }
  fs.closeSync(src);
  fs.closeSync(dst);
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1', TZ: 'UTC' };

/** An empty FAT file system (mkfs.vfat), labelled FAT12VOL, FAT16VOL or FAT32VOL. */
export function mkfsVfat(image: string, bits: 12 | 16 | 32, sizeMiB: number): void {
  fs.rmSync(image, { force: true });
  execFileSync(SBIN('mkfs.vfat'), ['-C', '-F', String(bits), '-n', `FAT${bits}VOL`, image, String(sizeMiB * 1024)], { stdio: 'pipe' });
}

/** Copies files (relative path → bytes and time) into a FAT image with mtools; mcopy -m keeps the times. */
export function mcopyInto(image: string, work: string, files: Record<string, { data: Buffer; mtimeMs: number }>): void {
  const made = new Set<string>();
  for (const [rel, f] of Object.entries(files)) {
    const local = path.join(work, 'fat-src', rel);
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, f.data);
    fs.utimesSync(local, f.mtimeMs / 1000, f.mtimeMs / 1000);
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!made.has(folder)) execFileSync(SBIN('mmd'), ['-i', image, `::/${folder}`], { stdio: 'pipe', env: MTOOLS_ENV });
      made.add(folder);
    }
    execFileSync(SBIN('mcopy'), ['-m', '-i', image, local, `::/${rel}`], { stdio: 'pipe', env: MTOOLS_ENV });
  }
}

/** Deletes a file inside a FAT image (mdel), leaving a gap the next file fills: chains become fragmented. */
export function mdel(image: string, rel: string): void {
  execFileSync(SBIN('mdel'), ['-i', image, `::/${rel}`], { stdio: 'pipe', env: MTOOLS_ENV });
}

/**
 * An XFS file system populated from a folder through a mkfs.xfs prototype file (no root needed).
 * Owners come from `owner` (the prototype sets them); times are mkfs's run time (it sets no others).
 */
export function mkfsXfs(image: string, from: string, sizeMiB: number, owner: (rel: string) => [number, number] = () => [0, 0]): void {
  const lines: string[] = ['backstack', '0 0', 'd--755 0 0'];
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const r = `${rel}/${name}`;
      const st = fs.lstatSync(p);
      const [uid, gid] = owner(r);
      const perm = (st.mode & 0o777).toString(8).padStart(3, '0');
      if (st.isSymbolicLink()) lines.push(`${name} l--${perm} ${uid} ${gid} ${fs.readlinkSync(p)}`);
      else if (st.isDirectory()) {
        lines.push(`${name} d--${perm} ${uid} ${gid}`);
        walk(p, r);
        lines.push('$');
      } else lines.push(`${name} ---${perm} ${uid} ${gid} ${p}`);
    }
  };
  walk(from, '');
  lines.push('$', '$');
  const proto = `${image}.proto`;
  fs.writeFileSync(proto, `${lines.join('\n')}\n`);
  fs.rmSync(image, { force: true });
  fs.writeFileSync(image, '');
  fs.truncateSync(image, sizeMiB * MiB);
  execFileSync(SBIN('mkfs.xfs'), ['-q', '-L', 'xfsroot', '-p', proto, image], { stdio: 'pipe' });
}
