import { describe, expect, it } from 'vitest';
import { exportNameFor, parseListen } from './address';
import { EXPORT_NAME } from './server';

describe('listen addresses', () => {
  it.each([
    [undefined, { host: '127.0.0.1', port: undefined }],
    ['127.0.0.1:10900', { host: '127.0.0.1', port: 10900 }],
    ['0.0.0.0', { host: '0.0.0.0', port: undefined }],
    [':0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:10809', { host: '::1', port: 10809 }],
    ['::1', { host: '::1', port: undefined }],
    ['localhost:10809', { host: '127.0.0.1', port: 10809 }],
  ])('%s listens on %o', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['example.com:10809', '127.0.0.1:99999', '127.0.0.1:port', '1.2.3:10'])('refuses %s, saying what it takes', (text) => {
    expect(() => parseListen(text)).toThrow(/such as 127\.0\.0\.1:10809|0 to 65535/);
  });
});

describe('export names', () => {
  it('are readable, plain for a URL and a shell, and distinct', () => {
    const taken = new Set<string>();
    const a = exportNameFor('web 1/../$(rm)', '2026-12-01T10-00-00.000Z', 'vda', (n) => taken.has(n));
    expect(a).toBe('web-1-.-rm-2026-12-01T10-00-00.000Z-vda');
    expect(a).toMatch(EXPORT_NAME);
    taken.add(a);
    expect(exportNameFor('web 1/../$(rm)', '2026-12-01T10-00-00.000Z', 'vda', (n) => taken.has(n))).toBe(`${a}-2`);
    expect(exportNameFor('', '', '', () => false)).toBe('disk');
  });
});
