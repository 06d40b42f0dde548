import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import path from 'node:path';
// SIMD CRC-32 (same polynomial as zlib's): node:zlib's runs at a quarter of its speed, and
// every chunk written or read is checksummed whole.
import { crc32 } from '@node-rs/crc32';
// BLAKE3 (Rust, SIMD): a quarter of SHA-256's CPU per byte here (0.15 vs 0.56 CPU-s per GiB
// with SHA-NI), and hashing every byte is the engine's largest cost on incompressible disks.
import { blake3, Blake3Hasher } from '@napi-rs/blake-hash';
import * as zstd from 'zstd-napi/binding';
import type { RepoKeys } from './keys';
import { copyBytes } from '../../lib/bytes';

/**
 * Chunk file codec (FORMAT.md, "Chunk file"). Pure CPU work: runs inside the worker threads.
 *
 *   0  4  magic "BSCK"      8  4  plain length     16  4  CRC-32 of bytes 20..end
 *   4  1  version (1)      12  4  payload length   20  .. [nonce 12] payload [tag 16]
 *   5  1  flags (1 = zstd, 2 = AES-256-GCM)
 *   6  2  reserved (0)
 */
export const CHUNK_MAGIC = 0x4253434b; // "BSCK"
export const CHUNK_VERSION = 1;
export const CHUNK_HEADER = 20;
export const FLAG_ZSTD = 1;
export const FLAG_AES_GCM = 2;
// Repeated from keys.ts: this module must stay light (it is loaded by every worker thread).
const GCM_NONCE = 12;
const GCM_TAG = 16;

/** Thrown by openChunk; the main thread turns it into CorruptChunkError. Kept free of imports for the workers. */
export class ChunkDamage extends Error {
  constructor(
    readonly digest: string,
    readonly reason: string,
  ) {
    super(`chunk ${digest}: ${reason}`);
    this.name = 'ChunkDamage';
  }
}

export const CHUNKS_DIR = 'chunks';
/** chunks/<first two hex digits>/<digest>: 256 folders keep directories small and commit fsyncs few. */
export const chunkPath = (root: string, digest: string): string => path.join(root, CHUNKS_DIR, digest.slice(0, 2), digest);

/**
 * Plain bytes per zstd frame. A chunk's payload is a run of independent frames, so an
 * incremental that changes a few KiB of a 4 MiB chunk recompresses only the frames it touches
 * and copies the rest from the parent's chunk. 1 MiB: on an ext4 image of Debian's files
 * (e2e/bench, BENCH_IMAGE=distro) zstd level 3 stores 3.4% less in 1 MiB frames than in
 * 256 KiB ones, for the same CPU; chunks written with 256 KiB frames read the same (a reader
 * decodes concatenated frames) and are decoded whole when an incremental builds on them.
 */
export const FRAME_BYTES = 1024 * 1024;

/** How chunks are named: FORMAT.md, "Chunks". Version 1 repositories use SHA-256, later ones BLAKE3. */
export type DigestAlgorithm = 'sha256' | 'blake3';

/** What a chunk's name depends on: the algorithm, and the id key when the repository is encrypted. */
export interface ChunkNaming {
  keys: RepoKeys | null;
  digest: DigestAlgorithm;
}

export interface Codec extends ChunkNaming {
  level: number;
  cctx: zstd.CCtx;
  dctx: zstd.DCtx;
  /** one frame's plain bytes, for a frame only partly copied from a parent */
  scratch: Buffer;
  /** one compressed frame, for the incompressibility probe */
  probe: Buffer;
}

export function createCodec(keys: RepoKeys | null, level: number, digest: DigestAlgorithm): Codec {
  const cctx = new zstd.CCtx();
  cctx.setParameter(zstd.CParameter.compressionLevel, level);
  // Each frame carries its plain length and an XXH64 of its content: a frame copied from a
  // parent chunk is checked when it is decoded, and the layout can be read back (payloadFrames).
  cctx.setParameter(zstd.CParameter.contentSizeFlag, 1);
  cctx.setParameter(zstd.CParameter.checksumFlag, 1);
  return { keys, digest, level, cctx, dctx: new zstd.DCtx(), scratch: Buffer.allocUnsafe(FRAME_BYTES), probe: Buffer.allocUnsafe(zstd.compressBound(FRAME_BYTES)) };
}

/** The chunk's name: BLAKE3 (keyed with the repository id key when encrypted), or SHA-256 (HMAC). */
export function chunkDigest({ keys, digest }: ChunkNaming, data: Uint8Array): string {
  if (digest === 'blake3') {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength); // a view, no copy
    return (keys ? Blake3Hasher.newKeyed(keys.id).update(bytes).digestBuffer() : blake3(bytes)).toString('hex');
  }
  return (keys ? createHmac('sha256', keys.id) : createHash('sha256')).update(data).digest('hex');
}

const zeroCache = new Map<number, Buffer>();
/** All-zero chunks are holes: never stored, recorded as such in the index. */
export function isZero(data: Buffer): boolean {
  let zero = zeroCache.get(data.length);
  if (!zero) {
    zero = Buffer.alloc(data.length);
    if (zeroCache.size > 4) zeroCache.clear();
    zeroCache.set(data.length, zero);
  }
  return data.equals(zero);
}

/** Room for the chunk file of up to `chunkSize` plain bytes (header, nonce, every frame's zstd bound, tag). */
export function frameCapacity(chunkSize: number): number {
  const full = Math.floor(chunkSize / FRAME_BYTES);
  const tail = chunkSize % FRAME_BYTES;
  return CHUNK_HEADER + GCM_NONCE + full * zstd.compressBound(FRAME_BYTES) + (tail ? zstd.compressBound(tail) : 0) + GCM_TAG;
}

/** Frames taken as they are from a parent chunk, by frame number (see payloadFrames). */
export type ReusedFrames = ReadonlyMap<number, Buffer>;

/**
 * Compresses `plain` as FRAME_BYTES frames into `out`; stops once the payload is no smaller than
 * `plain` (it is then stored raw). When the first frame does not shrink, the middle and last
 * ones are tried too, and if neither does the chunk is taken as incompressible (random, already
 * compressed or encrypted data) without compressing the rest: a third of a worker's time on such
 * disks. A chunk that only shrinks elsewhere is then stored raw: never wrong, rarely larger.
 */
function compressFrames(codec: Codec, plain: Buffer, out: Buffer, reuse: ReusedFrames | undefined): number {
  let n = 0;
  const frames = Math.ceil(plain.length / FRAME_BYTES);
  for (let i = 0, off = 0; off < plain.length && n < plain.length; i++, off += FRAME_BYTES) {
    const ready = reuse?.get(i);
    if (ready) copyBytes(out, n, ready);
    const frame = plain.subarray(off, off + FRAME_BYTES);
    const size = ready ? ready.length : codec.cctx.compress2(out.subarray(n), frame);
    n += size;
    if (i === 0 && !ready && frames > 2 && size >= frame.length && !reuse?.size) {
      const shrinks = (k: number): boolean => {
        const f = plain.subarray(k * FRAME_BYTES, (k + 1) * FRAME_BYTES);
        return codec.cctx.compress2(codec.probe, f) < f.length;
      };
      if (!shrinks(frames >> 1) && !shrinks(frames - 1)) return plain.length;
    }
  }
  return n;
}

/**
 * The frames of a zstd payload of `plainLength` bytes, if it is laid out as FRAME_BYTES frames
 * (a single-frame payload of a bigger chunk is not: frames cannot be reused from it); null
 * otherwise.
 */
export function payloadFrames(payload: Buffer, plainLength: number): Buffer[] | null {
  const frames: Buffer[] = [];
  let pos = 0;
  let plain = 0;
  try {
    while (pos < payload.length) {
      const size = zstd.findFrameCompressedSize(payload.subarray(pos));
      const frame = payload.subarray(pos, pos + size);
      if (zstd.getFrameContentSize(frame) !== Math.min(FRAME_BYTES, plainLength - plain)) return null;
      frames.push(frame);
      pos += size;
      plain += Math.min(FRAME_BYTES, plainLength - plain);
    }
  } catch {
    return null; // not zstd frames: openChunk says what is wrong
  }
  return plain === plainLength ? frames : null;
}

/**
 * Decodes zstd frames (a whole payload, or one frame of it) into `into`, which they must fill
 * exactly; zstd checks each frame's checksum.
 */
export function decodeFrames(codec: Codec, digest: string, frames: Buffer, into: Buffer): void {
  let n = -1;
  try {
    n = codec.dctx.decompress(into, frames);
  } catch (e) {
    throw new ChunkDamage(digest, `zstd: ${(e as Error).message}`);
  }
  if (n !== into.length) throw new ChunkDamage(digest, `decompressed to ${n} bytes, expected ${into.length}`);
}

/**
 * Builds the chunk file for `plain` in `out` (at least frameCapacity bytes) and returns its
 * length: compressed when that shrinks it, raw otherwise, then sealed if encrypted.
 */
export function sealChunkInto(codec: Codec, digest: string, plain: Buffer, out: Buffer, reuse?: ReusedFrames): number {
  const r = sealChunkHead(codec, digest, plain, out, reuse);
  if (r.payloadIsPlain) copyBytes(out, CHUNK_HEADER, plain);
  return r.frameLength;
}

/**
 * sealChunkInto without its one avoidable copy: a chunk of a plain repository that does not
 * shrink (random or already compressed data) is stored raw, and then `out` holds only the
 * header; the file is that header followed by `plain` itself (`payloadIsPlain`). Copying 4 MiB
 * per chunk cost a fifth of a worker's time on incompressible disks.
 */
export function sealChunkHead(codec: Codec, digest: string, plain: Buffer, out: Buffer, reuse: ReusedFrames | undefined): { frameLength: number; payloadIsPlain: boolean } {
  const at = CHUNK_HEADER + (codec.keys ? GCM_NONCE : 0);
  let flags = 0;
  let n = compressFrames(codec, plain, out.subarray(at), reuse);
  const raw = n >= plain.length;
  if (!raw) flags |= FLAG_ZSTD;
  else {
    if (codec.keys) copyBytes(out, at, plain); // encrypted below, from `out`
    n = plain.length;
  }
  if (codec.keys) flags |= FLAG_AES_GCM;
  out.writeUInt32BE(CHUNK_MAGIC, 0);
  out.writeUInt8(CHUNK_VERSION, 4);
  out.writeUInt8(flags, 5);
  out.writeUInt16BE(0, 6);
  out.writeUInt32BE(plain.length, 8);
  out.writeUInt32BE(n, 12);
  if (raw && !codec.keys) {
    out.writeUInt32BE(crc32(plain) >>> 0, 16);
    return { frameLength: CHUNK_HEADER + n, payloadIsPlain: true };
  }
  let end = at + n;
  if (codec.keys) {
    randomFillSync(out, CHUNK_HEADER, GCM_NONCE);
    const c = createCipheriv('aes-256-gcm', codec.keys.enc, out.subarray(CHUNK_HEADER, at));
    c.setAAD(chunkAad(out, digest));
    copyBytes(out, at, c.update(out.subarray(at, end))); // node:crypto cannot encrypt in place: one copy
    c.final();
    end += c.getAuthTag().copy(out, end);
  }
  out.writeUInt32BE(crc32(out.subarray(CHUNK_HEADER, end)) >>> 0, 16);
  return { frameLength: end, payloadIsPlain: false };
}

/** sealChunkInto with a buffer of its own (tests, tools). */
export function sealChunk(codec: Codec, digest: string, plain: Buffer): Buffer {
  const out = Buffer.allocUnsafe(frameCapacity(plain.length));
  return out.subarray(0, sealChunkInto(codec, digest, plain, out));
}

/**
 * Checks a chunk file's header, CRC (plain) or GCM tag (sealed, bound to the digest) and
 * returns its payload: zstd frames when `compressed`, else the plain bytes. Throws ChunkDamage
 * naming the digest.
 */
export function openPayload(codec: Codec, digest: string, frame: Buffer): { payload: Buffer; plainLength: number; compressed: boolean } {
  const bad = (why: string): never => {
    throw new ChunkDamage(digest, why);
  };
  if (frame.length < CHUNK_HEADER) bad('file too short');
  if (frame.readUInt32BE(0) !== CHUNK_MAGIC) bad('bad magic');
  if (frame.readUInt8(4) !== CHUNK_VERSION) bad(`unknown version ${frame.readUInt8(4)}`);
  const flags = frame.readUInt8(5);
  const plainLength = frame.readUInt32BE(8);
  const payloadLen = frame.readUInt32BE(12);
  const sealed = (flags & FLAG_AES_GCM) !== 0;
  if (sealed !== (codec.keys !== null)) bad(sealed ? 'encrypted chunk in a plain repository' : 'plain chunk in an encrypted repository');
  const expectLen = CHUNK_HEADER + payloadLen + (sealed ? GCM_NONCE + GCM_TAG : 0);
  if (frame.length !== expectLen) bad(`length ${frame.length}, expected ${expectLen}`);
  const crcOk = (): boolean => crc32(frame.subarray(CHUNK_HEADER)) >>> 0 === frame.readUInt32BE(16);
  // The GCM tag covers sealed chunks; their CRC is read only to say what went wrong.
  if (!sealed && !crcOk()) bad('checksum mismatch');
  let payload = frame.subarray(CHUNK_HEADER);
  if (sealed && codec.keys) {
    const nonce = payload.subarray(0, GCM_NONCE);
    const d = createDecipheriv('aes-256-gcm', codec.keys.enc, nonce);
    d.setAAD(chunkAad(frame.subarray(0, CHUNK_HEADER), digest));
    d.setAuthTag(payload.subarray(GCM_NONCE + payloadLen));
    const pt = d.update(payload.subarray(GCM_NONCE, GCM_NONCE + payloadLen));
    try {
      d.final();
    } catch {
      bad(crcOk() ? 'authentication failed: tampered, or stored under another name' : 'checksum mismatch');
    }
    payload = pt;
  }
  const compressed = (flags & FLAG_ZSTD) !== 0;
  if (!compressed && payloadLen !== plainLength) bad('raw payload length mismatch');
  return { payload, plainLength, compressed };
}

/**
 * Decodes and checks a chunk file (openPayload, then the decompressed length and, for plain
 * repositories or when `rehash`, the digest of the content). Throws ChunkDamage naming the digest.
 */
export function openChunk(codec: Codec, digest: string, frame: Buffer, rehash = false, out?: Buffer): Buffer {
  const bad = (why: string): never => {
    throw new ChunkDamage(digest, why);
  };
  const { payload, plainLength, compressed } = openPayload(codec, digest, frame);
  if (out && out.length < plainLength) bad(`plain length ${plainLength} exceeds the chunk size`);
  const plain = out ? out.subarray(0, plainLength) : Buffer.allocUnsafeSlow(plainLength);
  if (compressed) decodeFrames(codec, digest, payload, plain);
  else copyBytes(plain, 0, payload.subarray(0, plainLength));
  // GCM with the digest in its AAD already proves the content; plain repositories re-hash.
  if ((codec.keys === null || rehash) && chunkDigest(codec, plain) !== digest) bad('content does not match its digest');
  return plain;
}

function chunkAad(header: Buffer, digest: string): Buffer {
  return Buffer.concat([header.subarray(0, 16), Buffer.from(digest, 'hex')]);
}
