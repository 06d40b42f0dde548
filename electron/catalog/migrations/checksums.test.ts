import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from './index';

/**
 * A released migration is never edited: catalogs in the field already ran it, and an edit would
 * leave them with a schema that new ones do not have. Each migration's source is pinned here by
 * its SHA-256; a new migration adds its line, a changed one fails this test.
 */
const RELEASED: Record<number, string> = {
  1: '5844192878a6f59829e4b762cf7aa1d11f35b2581c840136b76518739c36750f',
  2: '3548b0ec53f1e4de8b2cba887749e13e3d8e6b297588c0e2a8b869457827812b',
  3: 'c203a12eff46a8ab553ecb62dbbf906df62ea0116ad6638bc8329e45ee68cefd',
  4: 'a97dc5223dd451cc30fcd3636c3fff2cbb5fa10f4ea36b355d99d7a85c294039',
  5: '7de1ca4a24336a5a626026d8544e16da2d0227bc949ca044819decf349750fcb',
  6: '17210247f0075cb992b2ddd56bb175b0794cfb546de5dd7b4485d9c600e65547',
  7: '71dc5a97ff98205592b77f34ffacdaf3ea45f8f3f75ffc26dc44544b4e88115c',
  8: '1d7cb31bf8910d438ac6c4ad2653a2c3d5ede401b6d8692cdcedb4078e09d4ca',
  9: 'aad1395a61f9aac335b596c733369b552c356eb3e736caa284e4f60f2bbb1173',
};

const fileOf = (version: number) => {
  const name = fs.readdirSync(__dirname).find((f) => f.startsWith(`${String(version).padStart(4, '0')}_`) && !f.endsWith('.test.ts'));
  if (!name) throw new Error(`no file for migration ${version}`);
  return path.join(__dirname, name);
};
// Line endings are normalised: a checkout that turns \n into \r\n does not edit a migration.
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n')).digest('hex');

describe('migrations', () => {
  it('are numbered 1, 2, 3 … without a gap, each with a test', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(fs.existsSync(fileOf(m.version).replace(/\.ts$/, '.test.ts')), `test of migration ${m.version}`).toBe(true);
  });

  it('are unchanged since their release (content pinned by SHA-256)', () => {
    const actual = Object.fromEntries(migrations.map((m) => [m.version, sha256(fileOf(m.version))]));
    expect(actual).toEqual(RELEASED);
  });
});
