/**
 * A bounded, exact set of recently seen digests (direct-mapped: a new digest may evict an old
 * one that shares its slot). Never answers yes wrongly, so it is safe for "already touched" or
 * "already verified"; a forgotten digest only costs repeating the work.
 */
export class DigestCache {
  private readonly table: Buffer;
  private readonly mask: number;

  constructor(slots = 1 << 18) {
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.table = Buffer.alloc(slots * 32);
    this.mask = slots - 1;
  }

  private slot(d: Buffer): number {
    return (d.readUInt32BE(0) & this.mask) * 32;
  }

  has(hex: string): boolean {
    const d = Buffer.from(hex, 'hex');
    const at = this.slot(d);
    return this.table.compare(d, 0, 32, at, at + 32) === 0;
  }

  add(hex: string): void {
    const d = Buffer.from(hex, 'hex');
    d.copy(this.table, this.slot(d));
  }
}

/**
 * A bounded, exact map from recent digests to a number (direct-mapped like DigestCache): a
 * restore remembers where it first wrote each chunk, to copy repeats instead of decoding them.
 */
export class DigestOffsets {
  private readonly keys: Buffer;
  private readonly values: Float64Array;
  private readonly mask: number;

  constructor(slots = 1 << 16) {
    if ((slots & (slots - 1)) !== 0) throw new Error('slots must be a power of two');
    this.keys = Buffer.alloc(slots * 32);
    this.values = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  get(hex: string): number | undefined {
    const d = Buffer.from(hex, 'hex');
    const i = d.readUInt32BE(0) & this.mask;
    if (this.values[i] === -1 || this.keys.compare(d, 0, 32, i * 32, i * 32 + 32) !== 0) return undefined;
    return this.values[i];
  }

  set(hex: string, value: number): void {
    const d = Buffer.from(hex, 'hex');
    const i = d.readUInt32BE(0) & this.mask;
    d.copy(this.keys, i * 32);
    this.values[i] = value;
  }
}
