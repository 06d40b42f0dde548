import { check } from '../errors';

/** A value of LVM's text metadata: numbers, strings, lists, sections. */
export type LvmValue = number | string | LvmValue[] | LvmSection;
export interface LvmSection {
  [key: string]: LvmValue;
}

/** Bounds what a crafted metadata text can make us build. */
const MAX_TOKENS = 1_000_000;
const MAX_DEPTH = 16;

/** Parses LVM2's metadata format (`name = value`, `name { … }`, `[a, b]`, "strings", # comments). */
export function parseMetadata(text: string): LvmSection {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const value = (depth: number): LvmValue => {
    const t = take();
    check(t !== undefined, 'the LVM metadata ends in the middle of a value');
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    check(t.kind === '[' && depth < MAX_DEPTH, 'the LVM metadata has an impossible value');
    const list: LvmValue[] = [];
    while (peek()?.kind !== ']') {
      check(peek() !== undefined, 'the LVM metadata ends in the middle of a list');
      list.push(value(depth + 1));
      if (peek()?.kind === ',') take();
    }
    take();
    return list;
  };
  const section = (depth: number, closing: boolean): LvmSection => {
    check(depth < MAX_DEPTH, 'the LVM metadata nests too deep');
    const out: LvmSection = Object.create(null) as LvmSection;
    for (;;) {
      const t = take();
      if (t === undefined) {
        check(!closing, 'the LVM metadata ends inside a section');
        return out;
      }
      if (t.kind === '}') {
        check(closing, 'the LVM metadata closes a section it never opened');
        return out;
      }
      check(t.kind === 'name', 'the LVM metadata has a value where a name belongs');
      const next = take();
      if (next?.kind === '=') out[t.value] = value(depth);
      else {
        check(next?.kind === '{', 'the LVM metadata has a name without a value');
        out[t.value] = section(depth + 1, true);
      }
    }
  };
  return section(0, false);
}

type Token = { kind: 'name' | 'string'; value: string } | { kind: 'number'; value: number } | { kind: '=' | '{' | '}' | '[' | ']' | ',' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; ) {
    check(out.length < MAX_TOKENS, 'the LVM metadata is larger than any real one');
    const c = s[i]!;
    if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (/\s/.test(c)) i++;
    else if ('={}[],'.includes(c)) {
      out.push({ kind: c as '=' });
      i++;
    } else if (c === '"') {
      let v = '';
      for (i++; ; i++) {
        check(i < s.length, 'the LVM metadata has an unterminated string');
        if (s[i] === '\\' && i + 1 < s.length) v += s[++i];
        else if (s[i] === '"') break;
        else v += s[i];
      }
      i++;
      out.push({ kind: 'string', value: v });
    } else {
      const m = /^[A-Za-z0-9_.+-]+/.exec(s.slice(i, i + 256));
      check(m !== null, () => `the LVM metadata has an unexpected character (${JSON.stringify(c)})`);
      const w = m[0];
      out.push(/^-?\d+$/.test(w) ? { kind: 'number', value: Number(w) } : { kind: 'name', value: w });
      i += w.length;
    }
  }
  return out;
}
