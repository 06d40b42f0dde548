import { inflateRawSync, constants as zlib } from 'node:zlib';
import type { Extent, ExtentSource } from '../../engine';
import { ImageTransferError } from './errors';

/**
 * A qcow2 image read as a stream (a Glance download) and handed to the engine as the disk the
 * guest sees, without a temporary file. qcow2 is a random-access format, but the images Nova
 * uploads are written by `qemu-img convert`, which allocates in order: the header and L1 table
 * first, then for each region its L2 table just before the data clusters it maps, in guest order.
 * One pass therefore suffices: the L1 table is kept, each L2 table is read as it passes, and each
 * data cluster is yielded at its guest offset. An image laid out otherwise (a cluster passing
 * before the table that maps it, guest order broken) fails with a message; nothing is guessed.
 */

const MAGIC = 0x514649fb; // "QFI\xfb"
const OFFSET_MASK = 0x00fffffffffffe00n;
const COMPRESSED = 1n << 62n;
/** bytes kept while looking for the L1 table (it follows the header in every image qemu makes) */
const MAX_PREFIX = 64 * 1024 * 1024;
/** incompatible feature bits we read: dirty (0) is refused below, compression type (3) handled */
const KNOWN_INCOMPATIBLE = (1n << 0n) | (1n << 3n);

export interface Qcow2Header {
  version: number;
  clusterBits: number;
  size: number;
  l1Size: number;
  l1Offset: number;
}

/** The header of a qcow2 image from its first bytes (at least 112), or an error naming what is not supported. */
export function parseQcow2Header(b: Buffer): Qcow2Header {
  if (b.length < 72 || b.readUInt32BE(0) !== MAGIC) throw new ImageTransferError('The image is not qcow2 (no qcow2 magic at its start).');
  const version = b.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new ImageTransferError(`qcow2 version ${version} is not supported.`);
  if (b.readBigUInt64BE(8) !== 0n) throw new ImageTransferError('The qcow2 image has a backing file: a snapshot Glance holds should stand alone.');
  if (b.readUInt32BE(32) !== 0) throw new ImageTransferError('The qcow2 image is encrypted: not supported.');
  const clusterBits = b.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) throw new ImageTransferError(`qcow2 cluster size 2^${clusterBits} is not valid.`);
  if (version === 3) {
    const incompatible = b.readBigUInt64BE(72);
    if (incompatible & ~KNOWN_INCOMPATIBLE) throw new ImageTransferError('The qcow2 image uses features this reader does not know (external data file or extended L2 entries).');
    if (incompatible & 1n) throw new ImageTransferError('The qcow2 image is marked dirty (not closed cleanly): it may be inconsistent.');
    const headerLength = b.readUInt32BE(100);
    if (incompatible & (1n << 3n) && headerLength > 104 && b[104] !== 0) throw new ImageTransferError('The qcow2 image is compressed with zstd: only deflate is supported.');
  }
  return { version, clusterBits, size: Number(b.readBigUInt64BE(24)), l1Size: b.readUInt32BE(36), l1Offset: Number(b.readBigUInt64BE(40)) };
}

/** A host-side piece of the image that matters: an L2 table, a data cluster, or a compressed cluster. */
type Piece = { kind: 'l2'; host: number; length: number; guest: number } | { kind: 'data' | 'deflate'; host: number; length: number; guest: number };

/**
 * The guest disk inside a qcow2 byte stream. Resolves once the header is read (the engine needs
 * the disk's size first); the extents can then be read once, in guest order.
 */
export async function qcow2StreamSource(stream: AsyncIterable<Uint8Array>): Promise<ExtentSource> {
  const it = stream[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.alloc(0); // stream bytes from `pos` on, not yet consumed
  let pos = 0;
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    buf = buf.length ? Buffer.concat([buf, r.value]) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    return true;
  };
  while (buf.length < 112 && (await more()));
  const h = parseQcow2Header(buf);
  const cluster = 2 ** h.clusterBits;
  const l1End = h.l1Offset + h.l1Size * 8;
  if (l1End > MAX_PREFIX) throw new ImageTransferError('The qcow2 L1 table lies too far into the image to be read as a stream.');
  while (buf.length < l1End && (await more()));
  if (buf.length < l1End) throw new ImageTransferError('The image ended before its L1 table.');
  const l2Span = (cluster / 8) * cluster; // guest bytes one L2 table maps
  // What to pick up from the stream, by host offset (kept sorted as L2 tables add data clusters).
  const pending: Piece[] = [];
  for (let i = 0; i < h.l1Size; i++) {
    const host = Number(buf.readBigUInt64BE(h.l1Offset + i * 8) & OFFSET_MASK);
    if (host) pending.push({ kind: 'l2', host, length: cluster, guest: i * l2Span });
  }
  pending.sort((a, b) => a.host - b.host);
  let used = false;
  return {
    size: h.size,
    async *extents(_wanted, hint) {
      if (used) throw new ImageTransferError('A qcow2 stream can be read only once.');
      used = true;
      let lastGuest = -1;
      // Data clusters next to each other in the guest are joined, up to one engine chunk.
      let run: { offset: number; parts: Buffer[]; length: number } | null = null;
      const flush = (): Extent | null => {
        const r = run;
        run = null;
        return r ? { offset: r.offset, length: r.length, data: r.parts.length === 1 ? r.parts[0]! : Buffer.concat(r.parts) } : null;
      };
      while (pending.length) {
        hint.signal?.throwIfAborted();
        const p = pending[0]!;
        if (p.host < pos) throw new ImageTransferError(`The qcow2 image maps guest offset ${p.guest} to an earlier part of the file than its table: it cannot be read as a stream.`);
        // drop what lies before the piece, then wait for all of it
        for (;;) {
          const skip = Math.min(buf.length, p.host - pos);
          if (skip > 0) {
            buf = buf.subarray(skip);
            pos += skip;
          }
          if (pos + buf.length >= p.host + p.length) break;
          if (!(await more())) throw new ImageTransferError(`The image ended at ${pos + buf.length} bytes, before the data it maps at ${p.host}: the download was cut short.`);
        }
        const bytes = buf.subarray(p.host - pos, p.host - pos + p.length);
        pending.shift();
        if (p.kind === 'l2') {
          addL2(pending, bytes, p.guest, h, cluster);
          continue;
        }
        if (p.guest <= lastGuest) throw new ImageTransferError(`The qcow2 image holds guest offset ${p.guest} after ${lastGuest}: its layout cannot be read as a stream.`);
        lastGuest = p.guest;
        const data = p.kind === 'deflate' ? inflateCluster(bytes, cluster) : Buffer.from(bytes);
        const length = Math.min(cluster, h.size - p.guest);
        const r = run as { offset: number; parts: Buffer[]; length: number } | null;
        const sameChunk = r && r.offset + r.length === p.guest && Math.floor(r.offset / hint.chunkSize) === Math.floor(p.guest / hint.chunkSize);
        if (!sameChunk) {
          const out = flush();
          if (out) yield out;
          run = { offset: p.guest, parts: [], length: 0 };
        }
        run!.parts.push(data.subarray(0, length));
        run!.length += length;
      }
      const out = flush();
      if (out) yield out;
      // the rest of the image (refcounts, padding) is read to its end: a cut download is an error
      while (await more()) {
        pos += buf.length;
        buf = Buffer.alloc(0);
      }
    },
  };
}

/** An L2 table's allocated entries, added to what is still to pick up (sorted by host offset). */
function addL2(pending: Piece[], table: Buffer, guestBase: number, h: Qcow2Header, cluster: number): void {
  const added: Piece[] = [];
  for (let i = 0; i < cluster / 8; i++) {
    const e = table.readBigUInt64BE(i * 8);
    const guest = guestBase + i * cluster;
    if (guest >= h.size) break;
    if (e & COMPRESSED) {
      // compressed: offset in the low bits, then the count of additional 512-byte sectors
      const x = 62n - BigInt(h.clusterBits - 8);
      const host = Number(e & ((1n << x) - 1n));
      const sectors = Number((e >> x) & ((1n << (62n - x)) - 1n)) + 1;
      added.push({ kind: 'deflate', host, length: sectors * 512 - (host % 512), guest });
      continue;
    }
    const host = Number(e & OFFSET_MASK);
    // zero flag (v3) or unallocated: the guest reads zeros, nothing to pick up
    if (!host || (h.version === 3 && e & 1n)) continue;
    added.push({ kind: 'data', host, length: cluster, guest });
  }
  pending.push(...added);
  pending.sort((a, b) => a.host - b.host);
}

function inflateCluster(bytes: Buffer, cluster: number): Buffer {
  // the compressed run is padded to whole sectors: inflate what is there, take one cluster
  const out = inflateRawSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
  if (out.length < cluster) return Buffer.concat([out, Buffer.alloc(cluster - out.length)]);
  return out.subarray(0, cluster);
}
