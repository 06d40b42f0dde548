import { AppError } from '../../../shared/errors/codes';

/**
 * What a search pattern means, split so a search tests each distinct folder and each distinct
 * name once (a million paths share far fewer of each), never a million whole paths:
 *   path matches  ⇔  dirAll(folder)  ||  (dirThen(folder) && name(name))
 * Forms (case-insensitive; a backslash is an ordinary character, as in shown names):
 *   `nginx`            a part of a name
 *   `*.conf`, `a?[0-9]`  a glob on the whole name
 *   `nginx/sites`      a part of a path (`/etc/nginx` from the root)
 *   `nginx/*.conf`     a glob on the path, at any depth (`/etc/*.conf`: from the root);
 *                      `*` `?` `[…]` stay within a name, a `**` component crosses folders
 * Globs are matched piece by piece (no backtracking regular expression), so a crafted name costs
 * time in proportion to its length whatever the pattern. The tests take names and folders in
 * lower case (the search index keeps them so, once): the pattern is lowered here, and plain
 * pieces are compared as strings, not through case-insensitive expressions.
 */
export interface Matcher {
  /** true: every entry of this folder matches */
  dirAll: ((dir: string) => boolean) | null;
  /** false: no entry of this folder matches (null: the folder does not matter) */
  dirThen: ((dir: string) => boolean) | null;
  /** whether the name matches (when dirThen passes) */
  name: ((name: string) => boolean) | null;
}

const GLOB = /[*?[]/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const MAX_STARS = 16;

export function compilePattern(pattern: string): Matcher {
  const p = pattern.trim().toLowerCase();
  if (!p) throw new AppError('validation.invalidInput', 'Give a name, a glob (*.conf) or a part of a path to search for.');
  if ((p.match(/\*/g) ?? []).length > MAX_STARS) throw new AppError('validation.invalidInput', `A pattern may hold at most ${MAX_STARS} "*".`);
  if (!p.includes('/')) {
    if (!GLOB.test(p)) return { dirAll: null, dirThen: null, name: (n) => n.includes(p) };
    const g = componentGlob(p);
    return { dirAll: null, dirThen: null, name: g };
  }
  if (!GLOB.test(p)) return fragment(p);
  const comps = p.split('/').filter((c) => c !== '');
  if (!p.startsWith('/')) comps.unshift('**');
  const globs = comps.map((c) => (c === '**' ? null : componentGlob(c)));
  if (p.endsWith('/') || comps[comps.length - 1] === '**') {
    // "etc/**", "etc/": everything inside a folder the pattern names
    const inside = comps[comps.length - 1] === '**' ? globs : [...globs, null];
    return { dirAll: (d) => matchComponents(inside, components(d)), dirThen: null, name: null };
  }
  const dirGlobs = globs.slice(0, -1);
  return { dirAll: null, dirThen: (d) => matchComponents(dirGlobs, components(d)), name: globs[globs.length - 1]! };
}

const components = (dir: string): string[] => dir.split('/').filter((c) => c !== '');

/** "a/b" inside a path "/x/a/b/c": a folder holds it, or it runs from the folder's end into the name. */
function fragment(f: string): Matcher {
  const cut = f.lastIndexOf('/');
  const end = f.slice(0, cut + 1);
  const start = f.slice(cut + 1);
  const withSlash = (d: string) => (d === '/' ? '/' : `${d}/`);
  return { dirAll: (d) => withSlash(d).includes(f), dirThen: (d) => withSlash(d).endsWith(end), name: (n) => n.startsWith(start) };
}

/** Components against component globs, where null (`**`) stands for any number of components. */
function matchComponents(globs: readonly (((s: string) => boolean) | null)[], comps: readonly string[]): boolean {
  // reach[j]: the globs so far can cover the first j components
  let reach = new Uint8Array(comps.length + 1);
  reach[0] = 1;
  for (const g of globs) {
    const next = new Uint8Array(comps.length + 1);
    if (g === null) {
      let on = 0;
      for (let j = 0; j <= comps.length; j++) next[j] = on = on | reach[j]!;
    } else for (let j = 0; j < comps.length; j++) if (reach[j] && g(comps[j]!)) next[j + 1] = 1;
    reach = next;
  }
  return reach[comps.length] === 1;
}

/**
 * A glob on one name. It is cut at each `*` into pieces of fixed length (characters, `?`, `[…]`):
 * the first must start the name, the last end it, and each one between is found leftmost after
 * the one before (the leftmost place leaves the most room, so this is exact).
 */
export function componentGlob(glob: string): (s: string) => boolean {
  const pieces = glob.split(/\*+/).map(pieceOf);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (pieces.length === 1) return (s) => s.length === first.length && first.at(s, 0);
  if (pieces.length === 2 && first.length === 0 && last.literal !== null) {
    const suffix = last.literal; // "*.conf", the most common form
    return (s) => s.endsWith(suffix);
  }
  return (s) => {
    if (s.length < first.length + last.length || !first.at(s, 0) || !last.at(s, s.length - last.length)) return false;
    let pos = first.length;
    const end = s.length - last.length;
    for (let k = 1; k < pieces.length - 1; k++) {
      const piece = pieces[k]!;
      const found = piece.find(s, pos);
      if (found < 0 || found + piece.length > end) return false;
      pos = found + piece.length;
    }
    return true;
  };
}

interface Piece {
  length: number;
  /** the piece as plain text, when it holds no `?` or `[…]` */
  literal: string | null;
  /** whether it matches at i */
  at(s: string, i: number): boolean;
  /** where it first matches from i on, or -1 */
  find(s: string, from: number): number;
}

function pieceOf(piece: string): Piece {
  const { source, length } = pieceRegex(piece);
  if (!/[?[]/.test(piece)) return { length, literal: piece, at: (s, i) => s.startsWith(piece, i), find: (s, from) => s.indexOf(piece, from) };
  const sticky = new RegExp(source, 'y');
  const global = new RegExp(source, 'g');
  return {
    length,
    literal: null,
    at: (s, i) => {
      sticky.lastIndex = i;
      return sticky.test(s);
    },
    find: (s, from) => {
      global.lastIndex = from;
      return global.exec(s)?.index ?? -1;
    },
  };
}

/** A piece without `*` as a regular expression of fixed length. */
function pieceRegex(piece: string): { source: string; length: number } {
  let source = '';
  let length = 0;
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i]!;
    length += 1;
    if (c === '?') source += '[^/]';
    else if (c === '[') {
      // "[]abc]" holds "]"; "[!a-z]" and "[^a-z]" are negated; an unclosed "[" is itself
      let j = i + 1;
      if (piece[j] === '!' || piece[j] === '^') j++;
      if (piece[j] === ']') j++;
      const close = piece.indexOf(']', j);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = piece.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^[]/g, '\\$&')}]`;
      i = close;
    } else source += escapeRe(c);
  }
  return { source: source || '(?:)', length };
}
