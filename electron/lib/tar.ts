/**
 * A streaming POSIX tar writer (ustar, with pax extended headers for what ustar cannot hold: long
 * or non-ASCII names and link targets, sizes of 8 GiB and more, times before 1970).
 *
 * Why not a package: `tar-stream` and `tar` are in node_modules only as dependencies of install
 * tools (prebuild-install, node-gyp, electron-builder), not declared by Backstack; declaring one
 * needs an install, which is not ours to run here. Writing is the simple half of tar: a 512-byte
 * header per entry, the bytes, zero padding to 512, and two zero blocks at the end (POSIX.1-2008,
 * pax interchange format). GNU tar, bsdtar and Python's tarfile read it (tar.test.ts).
 */

export const BLOCK = 512;

export interface TarEntry {
  /** the path inside the archive (UTF-8), without a leading "/" (folders without a trailing one) */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
  /** permission bits */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  /** a symlink's target, as the guest wrote it (pax stores it as given; never followed) */
  target?: Buffer;
}

const TYPEFLAG = { file: '0', dir: '5', symlink: '2' } as const;
const MAX_OCTAL_11 = 0o77777777777;

/** The header block(s) of an entry: a pax header first when ustar alone cannot hold it. */
export function entryHeader(e: TarEntry): Buffer {
  const name = Buffer.from(e.type === 'dir' ? `${e.name}/` : e.name);
  const target = e.target ?? Buffer.alloc(0);
  const size = e.type === 'file' ? e.size : 0;
  const seconds = Math.floor(e.mtimeMs / 1000);
  const pax: [string, Buffer][] = [];
  const split = splitName(name);
  if (!split || !isAscii(name)) pax.push(['path', name]);
  if (target.length > 100 || !isAscii(target)) pax.push(['linkpath', target]);
  if (size > MAX_OCTAL_11) pax.push(['size', Buffer.from(String(size))]);
  if (seconds < 0 || seconds > MAX_OCTAL_11) pax.push(['mtime', Buffer.from(String(seconds))]);
  for (const [key, id] of [
    ['uid', e.uid],
    ['gid', e.gid],
  ] as const)
    if (id > 0o7777777) pax.push([key, Buffer.from(String(id))]);

  const ustar = header({
    name: split && isAscii(name) ? split.name : asciiStandIn(name, 100),
    prefix: split && isAscii(name) ? split.prefix : Buffer.alloc(0),
    mode: e.mode & 0o7777,
    uid: Math.min(e.uid, 0o7777777),
    gid: Math.min(e.gid, 0o7777777),
    size: Math.min(size, MAX_OCTAL_11),
    mtime: Math.max(0, Math.min(seconds, MAX_OCTAL_11)),
    type: TYPEFLAG[e.type],
    linkname: target.length <= 100 && isAscii(target) ? target : asciiStandIn(target, 100),
  });
  if (pax.length === 0) return ustar;
  const body = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = header({
    name: asciiStandIn(Buffer.from(`PaxHeaders/${e.name}`), 100),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: Math.max(0, Math.min(seconds, MAX_OCTAL_11)),
    type: 'x',
    linkname: Buffer.alloc(0),
  });
  return Buffer.concat([paxHeader, body, padding(body.length), ustar]);
}

/** Zeros up to the next block boundary after `size` bytes of data. */
export const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The end of an archive: two zero blocks. */
export const END = Buffer.alloc(2 * BLOCK);

/** A pax record: "LEN key=value\n", where LEN counts itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(` ${key}=\n`) + value.length;
  let len = rest + String(rest).length;
  if (String(len).length !== String(rest).length) len = rest + String(len).length;
  return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from('\n')]);
}

interface Fields {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: string;
  linkname: Buffer;
}

function header(f: Fields): Buffer {
  const b = Buffer.alloc(BLOCK);
  f.name.copy(b, 0, 0, 100);
  octal(b, 100, 8, f.mode);
  octal(b, 108, 8, f.uid);
  octal(b, 116, 8, f.gid);
  octal(b, 124, 12, f.size);
  octal(b, 136, 12, f.mtime);
  b.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  b.write(f.type, 156, 'latin1');
  f.linkname.copy(b, 157, 0, 100);
  b.write('ustar\x0000', 257, 'latin1');
  f.prefix.copy(b, 345, 0, 155);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\x00 `, 148, 'latin1');
  return b;
}

/** A number as zero-padded octal, NUL-terminated, in a field of `width` bytes. */
function octal(b: Buffer, at: number, width: number, n: number): void {
  b.write(`${n.toString(8).padStart(width - 1, '0')}\x00`, at, 'latin1');
}

/** ustar's split of a long path into prefix (155) "/" name (100); null when no split fits. */
function splitName(name: Buffer): { name: Buffer; prefix: Buffer } | null {
  if (name.length <= 100) return { name, prefix: Buffer.alloc(0) };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== 0x2f) continue;
    if (i > 155) continue;
    if (name.length - i - 1 > 100) return null;
    if (name.length - i - 1 === 0) continue;
    return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
  }
  return null;
}

const isAscii = (b: Buffer): boolean => b.every((c) => c >= 0x20 && c < 0x7f);
/** What a reader without pax support sees: the name's printable ASCII, cut to fit. */
const asciiStandIn = (b: Buffer, max: number): Buffer => Buffer.from(Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? c : 0x5f)).slice(0, max));
