import { describe, expect, it } from 'vitest';
import { localName, rawName, showName, splitPath } from './names';

const b = (...x: (string | number[])[]) => Buffer.concat(x.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('names of a backed-up file system', () => {
  it.each([
    [b('nginx.conf'), 'nginx.conf'],
    [b('café ☕'), 'café ☕'],
    [b('bell', [7], '\x1b[31m'), 'bell\\x07\\x1b[31m'],
    [b('f', [0xff, 0xfe], '.txt'), 'f\\xff\\xfe.txt'],
    [b('a/b'), 'a\\x2fb'],
    [b('back\\slash'), 'back\\\\slash'],
    [b('evil\u202Etxt.exe'), 'evil\\xe2\\x80\\xaetxt.exe'],
    [b([0xc0, 0xaf]), '\\xc0\\xaf'], // an overlong "/"
    [b([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80'], // a lone surrogate
  ])('%j is shown as %s, and that form gives the same bytes back', (raw, shown) => {
    expect(showName(raw)).toBe(shown);
    expect(rawName(shown).equals(raw)).toBe(true);
  });

  it('splits a shown path into raw components, and refuses "." and ".." and bad escapes', () => {
    expect(splitPath('/etc//a\\x2fb/').map((p) => p.toString('latin1'))).toEqual(['etc', 'a/b']);
    expect(splitPath('/')).toEqual([]);
    expect(() => splitPath('/etc/../root')).toThrow(/without "\." or "\.\."/);
    expect(() => rawName('a\\nb')).toThrow(/a backslash in a name is written/);
  });

  it('writes locally only names that read back as the same bytes and stay in their folder', () => {
    expect(localName(b('nginx.conf'), 'linux')).toEqual({ name: 'nginx.conf' });
    expect(localName(b('back\\slash'), 'linux')).toEqual({ name: 'back\\slash' });
    expect(localName(b('..dots'), 'linux')).toEqual({ name: '..dots' });
    for (const bad of [b('..'), b('.'), b(''), b('a/b'), b('bell', [7]), b([0xff]), b('x'.repeat(256))]) expect(localName(bad, 'linux')).toHaveProperty('refused');
    for (const bad of [b('back\\slash'), b('a:b'), b('CON'), b('nul.txt'), b('trailing.')]) expect(localName(bad, 'win32')).toHaveProperty('refused');
  });
});
