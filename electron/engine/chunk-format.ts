import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import * as zstd from 'zstd-napi/binding';
import type { RepoKeys } from './keys';

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

export interface Codec {
  keys: RepoKeys | null;
  level: number;
  cctx: zstd.CCtx;
  dctx: zstd.DCtx;
  scratch: Buffer;
}

export function createCodec(keys: RepoKeys | null, level: number, chunkSize: number): Codec {
  return { keys, level, cctx: new zstd.CCtx(), dctx: new zstd.DCtx(), scratch: Buffer.allocUnsafe(zstd.compressBound(chunkSize)) };
}

/** SHA-256 of the content, or HMAC-SHA-256 under the repository id key when encrypted. */
export function chunkDigest(keys: RepoKeys | null, data: Uint8Array): string {
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

/** Room for the chunk file of up to `chunkSize` plain bytes (header, nonce, zstd bound, tag). */
export const frameCapacity = (chunkSize: number): number => CHUNK_HEADER + GCM_NONCE + zstd.compressBound(chunkSize) + GCM_TAG;

/**
 * Builds the chunk file for `plain` in `out` (at least frameCapacity bytes) and returns its
 * length: compressed when that shrinks it, raw otherwise, then sealed if encrypted.
 */
export function sealChunkInto(codec: Codec, digest: string, plain: Buffer, out: Buffer): number {
  const at = CHUNK_HEADER + (codec.keys ? GCM_NONCE : 0);
  let flags = 0;
  let n = codec.cctx.compress(out.subarray(at), plain, codec.level);
  if (n < plain.length) flags |= FLAG_ZSTD;
  else n = plain.copy(out, at);
  if (codec.keys) flags |= FLAG_AES_GCM;
  out.writeUInt32BE(CHUNK_MAGIC, 0);
  out.writeUInt8(CHUNK_VERSION, 4);
  out.writeUInt8(flags, 5);
  out.writeUInt16BE(0, 6);
  out.writeUInt32BE(plain.length, 8);
  out.writeUInt32BE(n, 12);
  let end = at + n;
  if (codec.keys) {
    randomFillSync(out, CHUNK_HEADER, GCM_NONCE);
    const c = createCipheriv('aes-256-gcm', codec.keys.enc, out.subarray(CHUNK_HEADER, at));
    c.setAAD(chunkAad(out, digest));
    c.update(out.subarray(at, end)).copy(out, at); // node:crypto cannot encrypt in place: one copy
    c.final();
    end += c.getAuthTag().copy(out, end);
  }
  out.writeUInt32BE(crc32(out.subarray(CHUNK_HEADER, end)) >>> 0, 16);
  return end;
}

/** sealChunkInto with a buffer of its own (tests, tools). */
export function sealChunk(codec: Codec, digest: string, plain: Buffer): Buffer {
  const out = Buffer.allocUnsafe(frameCapacity(plain.length));
  return out.subarray(0, sealChunkInto(codec, digest, plain, out));
}

/**
 * Decodes and checks a chunk file: header, CRC (plain) or GCM tag (sealed, bound to the digest) and, for plain
 * repositories (or when `rehash`), the content digest. Throws ChunkDamage naming the digest.
 */
export function openChunk(codec: Codec, digest: string, frame: Buffer, rehash = false, out?: Buffer): Buffer {
  const bad = (why: string): never => {
    throw new ChunkDamage(digest, why);
  };
  if (frame.length < CHUNK_HEADER) bad('file too short');
  if (frame.readUInt32BE(0) !== CHUNK_MAGIC) bad('bad magic');
  if (frame.readUInt8(4) !== CHUNK_VERSION) bad(`unknown version ${frame.readUInt8(4)}`);
  const flags = frame.readUInt8(5);
  const plainLen = frame.readUInt32BE(8);
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
  if (out && out.length < plainLen) bad(`plain length ${plainLen} exceeds the chunk size`);
  const plain = out ? out.subarray(0, plainLen) : Buffer.allocUnsafeSlow(plainLen);
  if (flags & FLAG_ZSTD) {
    let n = -1;
    try {
      n = codec.dctx.decompress(plain, payload);
    } catch (e) {
      bad(`zstd: ${(e as Error).message}`);
    }
    if (n !== plainLen) bad(`decompressed to ${n} bytes, expected ${plainLen}`);
  } else {
    if (payloadLen !== plainLen) bad('raw payload length mismatch');
    payload.copy(plain, 0, 0, plainLen);
  }
  // GCM with the digest in its AAD already proves the content; plain repositories re-hash.
  if ((!sealed || rehash) && chunkDigest(codec.keys, plain) !== digest) bad('content does not match its digest');
  return plain;
}

function chunkAad(header: Buffer, digest: string): Buffer {
  return Buffer.concat([header.subarray(0, 16), Buffer.from(digest, 'hex')]);
}
