/**
 * The NBD protocol's numbers (NetworkBlockDevice/nbd doc/proto.md), only those this server speaks,
 * and the few messages it builds. All integers on the wire are big-endian.
 */

export const NBDMAGIC = 0x4e42444d41474943n; // "NBDMAGIC"
export const IHAVEOPT = 0x49484156454f5054n; // "IHAVEOPT"
export const REPLY_MAGIC = 0x3e889045565a9n; // option replies
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;

/** handshake flags (server) and client flags */
export const FLAG_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_NO_ZEROES = 1 << 1;
export const CLIENT_FLAGS_KNOWN = FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES;

/** transmission flags */
export const TFLAG = {
  HAS_FLAGS: 1 << 0,
  READ_ONLY: 1 << 1,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  SEND_TRIM: 1 << 5,
  CAN_MULTI_CONN: 1 << 8,
} as const;

export const OPT = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
} as const;

export const REP = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  ERR_UNSUP: 2 ** 31 + 1,
  ERR_POLICY: 2 ** 31 + 2,
  ERR_INVALID: 2 ** 31 + 3,
  ERR_TLS_REQD: 2 ** 31 + 5,
  ERR_UNKNOWN: 2 ** 31 + 6,
  ERR_SHUTDOWN: 2 ** 31 + 7,
} as const;

export const INFO = { EXPORT: 0, NAME: 1, DESCRIPTION: 2, BLOCK_SIZE: 3 } as const;

export const CMD = { READ: 0, WRITE: 1, DISC: 2, FLUSH: 3, TRIM: 4 } as const;
export const CMD_FLAG_FUA = 1 << 0;

/** errno values a simple reply carries */
export const ERR = { EPERM: 1, EIO: 5, EINVAL: 22, ENOSPC: 28, EOVERFLOW: 75, ESHUTDOWN: 108 } as const;

/** Largest READ or WRITE payload (advertised as the maximum block size, as qemu-nbd does: 32 MiB). */
export const MAX_PAYLOAD = 32 * 1024 * 1024;
/** Preferred block size: a page; the minimum is 1 (any offset and length are served). */
export const PREFERRED_BLOCK = 4096;
/** NBD strings (export names, messages) are at most 4096 bytes. */
export const MAX_STRING = 4096;
/** Option data larger than this is no option this server knows: the client is cut off. */
export const MAX_OPTION_DATA = MAX_STRING + 4 + 2 + 2 * 64;

/** S: the opening of fixed newstyle negotiation. */
export function greeting(): Buffer {
  const b = Buffer.alloc(18);
  b.writeBigUInt64BE(NBDMAGIC, 0);
  b.writeBigUInt64BE(IHAVEOPT, 8);
  b.writeUInt16BE(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, 16);
  return b;
}

/** S: an option reply (fixed newstyle). */
export function optionReply(option: number, type: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(20);
  h.writeBigUInt64BE(REPLY_MAGIC, 0);
  h.writeUInt32BE(option >>> 0, 8);
  h.writeUInt32BE(type >>> 0, 12);
  h.writeUInt32BE(data.length, 16);
  return Buffer.concat([h, data]);
}

/** An error reply with a message for people (NBD allows a string in every error reply). */
export const optionError = (option: number, type: number, message: string): Buffer =>
  optionReply(option, type, Buffer.from(message.slice(0, 1000), 'utf8'));

/** NBD_REP_SERVER data: a name and a description. */
export function serverEntry(name: string, description: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(n.length, 0);
  return Buffer.concat([len, n, Buffer.from(description, 'utf8')]);
}

/** NBD_REP_INFO data for NBD_INFO_EXPORT: size and transmission flags. */
export function infoExport(size: number, flags: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(INFO.EXPORT, 0);
  b.writeBigUInt64BE(BigInt(size), 2);
  b.writeUInt16BE(flags, 10);
  return b;
}

/** NBD_REP_INFO data for NBD_INFO_BLOCK_SIZE: minimum, preferred, maximum. */
export function infoBlockSize(): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(INFO.BLOCK_SIZE, 0);
  b.writeUInt32BE(1, 2);
  b.writeUInt32BE(PREFERRED_BLOCK, 6);
  b.writeUInt32BE(MAX_PAYLOAD, 10);
  return b;
}

/** NBD_REP_INFO data for NBD_INFO_NAME or NBD_INFO_DESCRIPTION. */
export function infoString(type: typeof INFO.NAME | typeof INFO.DESCRIPTION, s: string): Buffer {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(type, 0);
  return Buffer.concat([t, Buffer.from(s, 'utf8').subarray(0, MAX_STRING)]);
}

/** S: the answer to NBD_OPT_EXPORT_NAME (no 124 zero bytes when the client asked for none). */
export function exportNameReply(size: number, flags: number, noZeroes: boolean): Buffer {
  const b = Buffer.alloc(noZeroes ? 10 : 134);
  b.writeBigUInt64BE(BigInt(size), 0);
  b.writeUInt16BE(flags, 8);
  return b;
}

/** One request of the transmission phase (28 bytes; a WRITE's payload follows it). */
export interface Request {
  magic: number;
  flags: number;
  type: number;
  handle: Buffer;
  offset: bigint;
  length: number;
}

export function parseRequest(b: Buffer): Request {
  return {
    magic: b.readUInt32BE(0),
    flags: b.readUInt16BE(4),
    type: b.readUInt16BE(6),
    handle: Buffer.from(b.subarray(8, 16)),
    offset: b.readBigUInt64BE(16),
    length: b.readUInt32BE(24),
  };
}
export const REQUEST_SIZE = 28;

/** S: a simple reply header (a READ's data follows it on success). */
export function simpleReply(handle: Buffer, error: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(SIMPLE_REPLY_MAGIC, 0);
  b.writeUInt32BE(error, 4);
  handle.copy(b, 8);
  return b;
}
