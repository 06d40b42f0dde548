import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CorruptMetadataError, isErrno } from '../errors';
import { mapFsError, tempName } from '../io/fsutil';
import type { Repository } from '../repository';

/**
 * Per-disk index (FORMAT.md, "Index file"): one 32-byte digest per chunk position, all zeros
 * for a hole. Stored in segments of 65536 entries so that writing and reading stream in
 * bounded memory whatever the disk size, and a reader can seek to any position.
 *
 * Header (64 bytes): magic "BSIX", version, flags (1 = sealed), chunk size, entries per segment,
 * disk size, chunk count, a random 16-byte index id (recorded in the manifest).
 * Segment: plain = entries | CRC-32; sealed = nonce | entries | tag (AAD: header | segment number).
 */
export const INDEX_MAGIC = 0x42534958; // "BSIX"
export const INDEX_VERSION = 1;
export const INDEX_HEADER = 64;
export const SEGMENT_ENTRIES = 65536;
const ENTRY = 32;
const HOLE = Buffer.alloc(ENTRY);

export interface IndexSummary {
  /** index id (hex), also in the header */
  id: string;
  sha256: string;
  bytes: number;
}

export class IndexWriter {
  private seg = Buffer.allocUnsafe(SEGMENT_ENTRIES * ENTRY);
  private inSeg = 0;
  private segNo = 0;
  private written = 0;
  private bytes = 0;
  private readonly hash = createHash('sha256');

  private constructor(
    private readonly repo: Repository,
    private readonly fh: fs.FileHandle,
    private readonly tmp: string,
    private readonly target: string,
    private readonly header: Buffer,
    readonly count: number,
  ) {}

  static async create(repo: Repository, target: string, diskSize: number, chunkSize: number): Promise<IndexWriter> {
    const count = Math.ceil(diskSize / chunkSize);
    const header = Buffer.alloc(INDEX_HEADER);
    header.writeUInt32BE(INDEX_MAGIC, 0);
    header.writeUInt8(INDEX_VERSION, 4);
    header.writeUInt8(repo.encrypted ? 1 : 0, 5);
    header.writeUInt32BE(chunkSize, 8);
    header.writeUInt32BE(SEGMENT_ENTRIES, 12);
    header.writeBigUInt64BE(BigInt(diskSize), 16);
    header.writeBigUInt64BE(BigInt(count), 24);
    randomBytes(16).copy(header, 32);
    const tmp = tempName(target);
    const fh = await fs.open(tmp, 'wx').catch((e: unknown) => Promise.reject(mapFsError(e, repo.dir)));
    const w = new IndexWriter(repo, fh, tmp, target, header, count);
    await w.append(header);
    return w;
  }

  get id(): string {
    return this.header.subarray(32, 48).toString('hex');
  }

  /** Appends the next position's digest (hex), or null for a hole. */
  async push(digest: string | null): Promise<void> {
    if (this.written >= this.count) throw new Error('index overflow');
    if (digest === null) HOLE.copy(this.seg, this.inSeg * ENTRY);
    else this.seg.write(digest, this.inSeg * ENTRY, ENTRY, 'hex');
    this.inSeg++;
    this.written++;
    if (this.inSeg === SEGMENT_ENTRIES || this.written === this.count) await this.flushSegment();
  }

  async finish(): Promise<IndexSummary> {
    if (this.written !== this.count) throw new Error(`index has ${this.written} of ${this.count} entries`);
    try {
      await this.fh.sync();
      await this.fh.close();
      await fs.rename(this.tmp, this.target);
    } catch (e) {
      await this.abort();
      throw mapFsError(e, this.repo.dir);
    }
    return { id: this.id, sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await fs.rm(this.tmp, { force: true });
  }

  private async flushSegment(): Promise<void> {
    const body = this.seg.subarray(0, this.inSeg * ENTRY);
    const out = this.repo.encrypted ? this.repo.sealMeta(body, segmentAad(this.header, this.segNo)) : Buffer.concat([body, u32(crc32(body))]);
    await this.append(out);
    this.segNo++;
    this.inSeg = 0;
  }

  private async append(b: Buffer): Promise<void> {
    this.hash.update(b);
    try {
      await this.fh.write(b, 0, b.length, this.bytes);
    } catch (e) {
      await this.abort();
      throw mapFsError(e, this.repo.dir);
    }
    this.bytes += b.length;
  }
}

export class IndexReader {
  /** the last segment read (a promise, so concurrent get() calls share one read) */
  private cached: { no: number; seg: Promise<Buffer> } | undefined;

  private constructor(
    private readonly repo: Repository,
    private readonly fh: fs.FileHandle,
    readonly file: string,
    private readonly header: Buffer,
    readonly chunkSize: number,
    readonly diskSize: number,
    readonly count: number,
  ) {}

  static async open(repo: Repository, file: string, expectId?: string): Promise<IndexReader> {
    const fh = await fs.open(file, 'r').catch((e: unknown) => {
      throw isErrno(e, 'ENOENT') ? new CorruptMetadataError(file, 'index file missing') : e;
    });
    const header = Buffer.alloc(INDEX_HEADER);
    const { bytesRead } = await fh.read(header, 0, INDEX_HEADER, 0);
    const bad = async (why: string): Promise<never> => {
      await fh.close();
      throw new CorruptMetadataError(file, why);
    };
    if (bytesRead !== INDEX_HEADER || header.readUInt32BE(0) !== INDEX_MAGIC) return bad('not an index file');
    if (header.readUInt8(4) !== INDEX_VERSION) return bad(`unknown index version ${header.readUInt8(4)}`);
    if ((header.readUInt8(5) === 1) !== repo.encrypted) return bad('encryption flag does not match the repository');
    if (header.readUInt32BE(12) !== SEGMENT_ENTRIES) return bad('unexpected segment size');
    const id = header.subarray(32, 48).toString('hex');
    if (expectId !== undefined && id !== expectId) return bad('index id does not match the manifest');
    const diskSize = Number(header.readBigUInt64BE(16));
    const chunkSize = header.readUInt32BE(8);
    return new IndexReader(repo, fh, file, header, chunkSize, diskSize, Number(header.readBigUInt64BE(24)));
  }

  get id(): string {
    return this.header.subarray(32, 48).toString('hex');
  }

  /** The digest at position i (hex), or null for a hole. */
  async get(i: number): Promise<string | null> {
    if (i < 0 || i >= this.count) throw new RangeError(`index position ${i} out of range`);
    const segNo = Math.floor(i / SEGMENT_ENTRIES);
    if (this.cached?.no !== segNo) {
      this.cached = { no: segNo, seg: this.load(segNo) };
      this.cached.seg.catch(() => (this.cached = undefined));
    }
    const seg = await this.cached.seg;
    const off = (i % SEGMENT_ENTRIES) * ENTRY;
    const e = seg.subarray(off, off + ENTRY);
    return e.equals(HOLE) ? null : e.toString('hex');
  }

  async *entries(): AsyncGenerator<string | null> {
    for (let i = 0; i < this.count; i++) yield await this.get(i);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  private async load(segNo: number): Promise<Buffer> {
    const entries = Math.min(SEGMENT_ENTRIES, this.count - segNo * SEGMENT_ENTRIES);
    const sealed = this.repo.encrypted;
    const overhead = sealed ? 28 : 4;
    const stride = SEGMENT_ENTRIES * ENTRY + overhead;
    const len = entries * ENTRY + overhead;
    const buf = Buffer.allocUnsafe(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, INDEX_HEADER + segNo * stride);
    if (bytesRead !== len) throw new CorruptMetadataError(this.file, `segment ${segNo} is truncated`);
    if (sealed) return this.repo.openMeta(buf, segmentAad(this.header, segNo), `${this.file} segment ${segNo}`);
    const body = buf.subarray(0, entries * ENTRY);
    if (crc32(body) >>> 0 !== buf.readUInt32BE(entries * ENTRY)) throw new CorruptMetadataError(this.file, `segment ${segNo} checksum mismatch`);
    return body;
  }
}

/** SHA-256 of a whole index file, compared with the manifest by verify. */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  const fh = await fs.open(file, 'r');
  try {
    for await (const b of fh.createReadStream()) {
      h.update(b as Buffer);
      bytes += (b as Buffer).length;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  return { sha256: h.digest('hex'), bytes };
}

function segmentAad(header: Buffer, segNo: number): Buffer {
  return Buffer.concat([header, u32(segNo)]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
