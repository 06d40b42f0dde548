import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BlockDevice, BlockSource } from './device';

const BLOCK = 4096;
const BLOCKS_PER_PAGE = 4096 * 8; // one 4 KiB bitmap page maps 128 MiB of disk

/**
 * Copy-on-write over a read-only source: writes go to a sparse temporary file of the disk's size,
 * and a bitmap (pages allocated as they are first written) says which 4 KiB blocks come from it.
 * The source, a restore point, is never written. The file lives in a private folder of the
 * system's temporary directory and is removed by close().
 */
export class CowOverlay implements BlockDevice {
  readonly readOnly = false;
  private readonly pages = new Map<number, Uint8Array>();
  /** partial-block writes read, merge and write whole blocks: one at a time */
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly base: BlockSource,
    private readonly dir: string,
    private readonly fh: fs.FileHandle,
  ) {}

  static async create(base: BlockSource, tmpRoot = os.tmpdir()): Promise<CowOverlay> {
    const dir = await fs.mkdtemp(path.join(tmpRoot, 'backstack-nbd-overlay-'));
    try {
      const fh = await fs.open(path.join(dir, 'overlay.raw'), 'wx+', 0o600);
      await fh.truncate(base.size); // sparse: takes no space until written
      return new CowOverlay(base, dir, fh);
    } catch (e) {
      await fs.rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get size(): number {
    return this.base.size;
  }

  /** the folder holding the overlay file (removed by close) */
  get folder(): string {
    return this.dir;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const out = await this.base.read(offset, length);
    const end = offset + out.length;
    // Runs of written blocks are read from the overlay in one go each.
    for (let b = Math.floor(offset / BLOCK); b * BLOCK < end;) {
      if (!this.isWritten(b)) {
        b++;
        continue;
      }
      let e = b + 1;
      while (e * BLOCK < end && this.isWritten(e)) e++;
      const from = Math.max(offset, b * BLOCK);
      const to = Math.min(end, e * BLOCK);
      await this.fh.read(out, from - offset, to - from, from);
      b = e;
    }
    return out;
  }

  async write(offset: number, data: Buffer): Promise<void> {
    const run = this.lock.then(() => this.writeNow(offset, data));
    this.lock = run.catch(() => undefined);
    return run;
  }

  async flush(): Promise<void> {
    await this.fh.datasync();
  }

  /** Trim is advisory in NBD: the overlay keeps what it has (its file is thrown away on close anyway). */
  async trim(): Promise<void> {}

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async writeNow(offset: number, data: Buffer): Promise<void> {
    const end = offset + data.length;
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((end - 1) / BLOCK);
    // A block written in part for the first time gets the rest of its bytes from the source.
    for (const b of new Set([first, last])) {
      const bStart = b * BLOCK;
      const bEnd = Math.min(this.size, bStart + BLOCK);
      const covered = offset <= bStart && end >= bEnd;
      if (covered || this.isWritten(b)) continue;
      const whole = await this.base.read(bStart, bEnd - bStart);
      await this.fh.write(whole, 0, whole.length, bStart);
    }
    await this.fh.write(data, 0, data.length, offset);
    // Marked only once the bytes are in the file: a read meanwhile still sees the source.
    for (let b = first; b <= last; b++) this.mark(b);
  }

  private isWritten(b: number): boolean {
    const page = this.pages.get(Math.floor(b / BLOCKS_PER_PAGE));
    if (!page) return false;
    const i = b % BLOCKS_PER_PAGE;
    return (page[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  private mark(b: number): void {
    const p = Math.floor(b / BLOCKS_PER_PAGE);
    let page = this.pages.get(p);
    if (!page) this.pages.set(p, (page = new Uint8Array(BLOCKS_PER_PAGE / 8)));
    const i = b % BLOCKS_PER_PAGE;
    page[i >> 3]! |= 1 << (i & 7);
  }
}
