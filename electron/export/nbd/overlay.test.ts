import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CowOverlay } from './overlay';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('copy-on-write overlay', () => {
  it('reads back what was written, byte for byte, over random unaligned writes (a ragged last block included), and never writes the source', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-overlay-'));
    const size = 40 * 4096 + 1000;
    const base = crypto.randomBytes(size);
    const original = Buffer.from(base);
    const overlay = await CowOverlay.create({ size, read: async (o, l) => Buffer.from(base.subarray(o, Math.min(size, o + l))) }, dir);
    const model = Buffer.from(base);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const offset = random(size);
      const data = crypto.randomBytes(1 + random(Math.min(20_000, size - offset)));
      await overlay.write(offset, data);
      data.copy(model, offset);
      const at = random(size);
      const len = random(size - at + 1);
      expect((await overlay.read(at, len)).equals(model.subarray(at, at + len))).toBe(true);
    }
    expect((await overlay.read(0, size)).equals(model)).toBe(true);
    expect(base.equals(original)).toBe(true);
    // the overlay file is sparse and private, and gone after close
    const file = path.join(overlay.folder, 'overlay.raw');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await overlay.close();
    expect(fs.existsSync(overlay.folder)).toBe(false);
  });

  it('keeps concurrent writes to one block apart (each merges with the other, none is lost)', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-overlay-'));
    const size = 8192;
    const overlay = await CowOverlay.create({ size, read: async (o, l) => Buffer.alloc(Math.min(l, size - o), 0x11) }, dir);
    await Promise.all([
      overlay.write(10, Buffer.alloc(10, 0xaa)),
      overlay.write(100, Buffer.alloc(10, 0xbb)),
      overlay.write(4000, Buffer.alloc(200, 0xcc)),
    ]);
    const all = await overlay.read(0, size);
    expect(all.subarray(10, 20).every((b) => b === 0xaa)).toBe(true);
    expect(all.subarray(100, 110).every((b) => b === 0xbb)).toBe(true);
    expect(all.subarray(4000, 4200).every((b) => b === 0xcc)).toBe(true);
    expect(all[0]).toBe(0x11);
    expect(all[4200]).toBe(0x11);
    expect(all[size - 1]).toBe(0x11);
    await overlay.close();
  });
});
