/** One entry of a FAT folder: its long name (or its 8.3 name), attributes, first cluster, size, time. */
export interface FatEntry {
  name: Buffer;
  attr: number;
  cluster: number;
  size: number;
  mtimeMs: number;
}

export const ATTR = { readOnly: 0x01, volume: 0x08, dir: 0x10, lfn: 0x0f } as const;

/**
 * The entries of a folder's bytes (32-byte records). Long names are collected from the records
 * before their 8.3 entry and used only when their sequence and checksum match it; otherwise the
 * 8.3 name stands. Volume labels, deleted entries, "." and ".." are left out.
 */
export function parseDir(data: Buffer, fat32: boolean): FatEntry[] {
  const out: FatEntry[] = [];
  let lfn: { parts: string[]; checksum: number; next: number } | null = null;
  for (let at = 0; at + 32 <= data.length; at += 32) {
    const e = data.subarray(at, at + 32);
    if (e[0] === 0x00) break;
    if (e[0] === 0xe5) {
      lfn = null;
      continue;
    }
    const attr = e[11]!;
    if ((attr & 0x3f) === ATTR.lfn) {
      const ord = e[0]! & 0x3f;
      if (e[0]! & 0x40) lfn = { parts: [], checksum: e[13]!, next: ord };
      if (!lfn || ord !== lfn.next || ord === 0 || e[13] !== lfn.checksum) {
        lfn = null;
        continue;
      }
      lfn.parts[ord - 1] = utf16(Buffer.concat([e.subarray(1, 11), e.subarray(14, 26), e.subarray(28, 32)]));
      lfn.next = ord - 1;
      continue;
    }
    const short = e.subarray(0, 11);
    const long = lfn && lfn.next === 0 && lfn.checksum === checksum(short) ? lfn.parts.join('') : null;
    lfn = null;
    if (attr & ATTR.volume) continue;
    const name = long !== null ? Buffer.from(long, 'utf8') : shortName(e);
    if (name.length === 0 || (name.length <= 2 && name.every((c) => c === 0x2e))) continue;
    out.push({
      name,
      attr,
      cluster: (fat32 ? e.readUInt16LE(20) * 65536 : 0) + e.readUInt16LE(26),
      size: e.readUInt32LE(28),
      mtimeMs: dosTime(e.readUInt16LE(24), e.readUInt16LE(22)),
    });
  }
  return out;
}

/** UTF-16 up to the first NUL (0xFFFF pads the rest). */
function utf16(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b.readUInt16LE(i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The 8.3 name: trailing spaces cut, a dot between, lower case where Windows NT's flags say. */
function shortName(e: Buffer): Buffer {
  const lowerBase = (e[12]! & 0x08) !== 0;
  const lowerExt = (e[12]! & 0x10) !== 0;
  const lower = (b: Buffer, on: boolean) => Buffer.from(b.map((c) => (on && c >= 0x41 && c <= 0x5a ? c + 32 : c)));
  const base = Buffer.from(e.subarray(0, 8));
  if (base[0] === 0x05) base[0] = 0xe5;
  const trim = (b: Buffer) => b.subarray(0, b.length - (b.toString('latin1').length - b.toString('latin1').trimEnd().length));
  const b = lower(trim(base), lowerBase);
  const x = lower(trim(e.subarray(8, 11)), lowerExt);
  return x.length ? Buffer.concat([b, Buffer.from('.'), x]) : b;
}

function checksum(short: Buffer): number {
  let sum = 0;
  for (const c of short) sum = (((sum & 1) << 7) + (sum >> 1) + c) & 0xff;
  return sum;
}

/** A DOS date and time (no time zone: read as UTC) in milliseconds; 0 when unset or impossible. */
function dosTime(date: number, time: number): number {
  const day = date & 31;
  const month = (date >> 5) & 15;
  if (date === 0 || day === 0 || month === 0 || month > 12) return 0;
  return Date.UTC(1980 + (date >> 9), month - 1, day, time >> 11, (time >> 5) & 63, (time & 31) * 2);
}
