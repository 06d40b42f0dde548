import { refused } from './errors';

/**
 * Names on a backed-up file system are bytes, and a hostile guest chooses them. Everywhere outside
 * the parsers a name is shown in one reversible form: UTF-8 as it is, except a backslash is `\\`,
 * and every byte that is not printable UTF-8 (control characters, invalid sequences, a `/` inside
 * a name, bidirectional overrides that disguise a name) is `\xNN`. So a path string splits on `/`
 * without ambiguity, a terminal never receives a control sequence, and the exact bytes come back.
 */
export function showName(raw: Uint8Array): string {
  // most names are printable ASCII without "\\" or "/": shown as they are (indexing shows a million)
  let plain = true;
  for (let i = 0; i < raw.length && plain; i++) plain = raw[i]! >= 0x20 && raw[i]! < 0x7f && raw[i] !== 0x5c && raw[i] !== 0x2f;
  if (plain) return Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1');
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const n = utf8Length(raw, i);
    if (n === 0) {
      out += hex(raw[i]!);
      i += 1;
      continue;
    }
    const cp = String.fromCodePoint(decode(raw, i, n));
    const code = cp.codePointAt(0)!;
    if (cp === '\\') out += '\\\\';
    else if (code < 0x20 || cp === '/' || (code >= 0x7f && code <= 0x9f) || isBidi(code)) for (let k = 0; k < n; k++) out += hex(raw[i + k]!);
    else out += cp;
    i += n;
  }
  return out;
}

/** The bytes of a name shown by showName; refuses escapes it never writes. */
export function rawName(shown: string): Buffer {
  const parts: Buffer[] = [];
  let plain = '';
  const flush = () => {
    if (plain) parts.push(Buffer.from(plain, 'utf8'));
    plain = '';
  };
  for (let i = 0; i < shown.length; i++) {
    const c = shown[i]!;
    if (c !== '\\') {
      plain += c;
      continue;
    }
    const next = shown[i + 1];
    if (next === '\\') {
      plain += '\\';
      i += 1;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(shown.slice(i + 2, i + 4))) {
      flush();
      parts.push(Buffer.from([parseInt(shown.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else throw refused(`"${shown}": a backslash in a name is written \\\\, and a byte as \\xNN.`);
  }
  flush();
  return Buffer.concat(parts);
}

/** A path in shown form ("/etc/nginx", "etc/a\x2fb") as raw name components; "" and "/" are the root. */
export function splitPath(p: string): Buffer[] {
  const parts = p.split('/').filter((s) => s !== '');
  for (const s of parts) if (s === '.' || s === '..') throw refused(`"${p}": give the path from the root of the file system, without "." or "..".`);
  return parts.map(rawName);
}

export const joinPath = (parent: string, name: string): string => (parent.endsWith('/') ? parent : `${parent}/`) + name;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * The name a backed-up entry gets in a local folder, or why it cannot have one. Only names that
 * read back as the same bytes, cannot climb out of the folder and carry no control characters are
 * written; the others are refused and reported (a renamed file could silently shadow a real one).
 */
export function localName(raw: Uint8Array, platform: NodeJS.Platform = process.platform): { name: string } | { refused: string } {
  const shown = showName(raw);
  if (raw.length === 0) return { refused: 'an empty name' };
  if (raw.length > 255) return { refused: 'a name longer than 255 bytes' };
  if (shown === '.' || shown === '..') return { refused: `a name "${shown}" that would leave its folder` };
  // printable UTF-8: the shown form is the text itself (a backslash aside, which is shown doubled)
  const text = new TextDecoder().decode(raw);
  if (shown !== text.replaceAll('\\', '\\\\')) return { refused: 'a name with bytes that are not printable UTF-8 (control characters, invalid UTF-8 or "/")' };
  if (platform === 'win32') {
    if (/[<>:"|?*\\]/.test(text) || /[. ]$/.test(text) || WINDOWS_RESERVED.test(text)) return { refused: 'a name Windows cannot hold' };
  }
  return { name: text };
}

const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;
const isBidi = (c: number) => (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c;

/** Length of the valid UTF-8 sequence at i (no overlongs, surrogates or values past U+10FFFF), or 0. */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 >= 0xa0)) return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

function decode(b: Uint8Array, i: number, n: number): number {
  if (n === 1) return b[i]!;
  let cp = b[i]! & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) cp = (cp << 6) | (b[i + k]! & 0x3f);
  return cp;
}
