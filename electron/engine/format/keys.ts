import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { InvalidArgumentError, WrongPassphraseError } from '../errors';

/**
 * Repository keys. A random 256-bit master key is the root; the chunk/metadata encryption key
 * and the chunk-id (HMAC) key are derived from it with HKDF. The master key is stored wrapped
 * (AES-256-GCM) under a key derived from the passphrase with scrypt, and can be exported as a
 * recovery key that opens the repository without the passphrase.
 */

export interface RepoKeys {
  /** AES-256-GCM key for chunks, indexes and manifests */
  enc: Buffer;
  /** HMAC-SHA-256 key for chunk digests, so names leak nothing about content */
  id: Buffer;
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~100 ms and 32 MiB on one core here: costly for guessing, cheap for one open. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };

export interface WrappedKey {
  kdf: { name: 'scrypt'; salt: string } & ScryptParams;
  /** base64 of nonce(12) | ciphertext(32) | tag(16) */
  wrapped: string;
}

export const GCM_NONCE = 12;
export const GCM_TAG = 16;

export function deriveKeys(master: Buffer): RepoKeys {
  const sub = (info: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { enc: sub('backstack/v1/encryption'), id: sub('backstack/v1/chunk-id') };
}

export const newMasterKey = (): Buffer => randomBytes(32);

/** A short fingerprint stored in the config: tells a wrong recovery key from a right one. */
export function keyCheck(master: Buffer, repoId: string): string {
  return createHmac('sha256', master).update(`backstack/v1/key-check/${repoId}`).digest('hex').slice(0, 32);
}

function kek(passphrase: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 128 * p.N * p.r * p.p + 16 * 1024 * 1024;
    scrypt(passphrase.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function wrapMaster(master: Buffer, passphrase: string, repoId: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<WrappedKey> {
  if (passphrase.length === 0) throw new InvalidArgumentError('The passphrase must not be empty.');
  const salt = randomBytes(16);
  const key = await kek(passphrase, salt, params);
  return {
    kdf: { name: 'scrypt', salt: salt.toString('base64'), ...params },
    wrapped: sealBlob(key, master, wrapAad(repoId)).toString('base64'),
  };
}

export async function unwrapMaster(w: WrappedKey, passphrase: string, repoId: string): Promise<Buffer> {
  const key = await kek(passphrase, Buffer.from(w.kdf.salt, 'base64'), w.kdf);
  const master = openBlob(key, Buffer.from(w.wrapped, 'base64'), wrapAad(repoId));
  if (!master) throw new WrongPassphraseError('passphrase');
  return master;
}

const wrapAad = (repoId: string): Buffer => Buffer.from(`backstack/v1/wrapped-key/${repoId}`);

/** nonce | ciphertext | tag, authenticated together with `aad`. */
export function sealBlob(key: Buffer, plain: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(GCM_NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

/** The plaintext, or null when authentication fails (wrong key or tampered data). */
export function openBlob(key: Buffer, blob: Buffer, aad: Uint8Array): Buffer | null {
  if (blob.length < GCM_NONCE + GCM_TAG) return null;
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, GCM_NONCE));
  d.setAAD(aad);
  d.setAuthTag(blob.subarray(blob.length - GCM_TAG));
  try {
    return Buffer.concat([d.update(blob.subarray(GCM_NONCE, blob.length - GCM_TAG)), d.final()]);
  } catch {
    return null;
  }
}

/**
 * Recovery key text: "bsrk1-" then the master key and a CRC-32 in hex groups of 8, so a typo
 * is caught before it is tried against the repository.
 */
export function encodeRecoveryKey(master: Buffer): string {
  const body = Buffer.concat([master, u32(crc32(master))]).toString('hex');
  return 'bsrk1-' + (body.match(/.{1,8}/g) ?? []).join('-');
}

export function decodeRecoveryKey(text: string): Buffer {
  const hex = text.trim().toLowerCase().replace(/^bsrk1-/, '').replace(/[\s-]/g, '');
  if (!/^[0-9a-f]{72}$/.test(hex)) throw new InvalidArgumentError('This is not a Backstack recovery key (expected "bsrk1-" and 72 hex digits).');
  const raw = Buffer.from(hex, 'hex');
  const master = raw.subarray(0, 32);
  if (crc32(master) !== raw.readUInt32BE(32)) throw new InvalidArgumentError('The recovery key has a typo: its checksum does not match.');
  return Buffer.from(master);
}

export function checkRecoveryKey(master: Buffer, repoId: string, expected: string): void {
  const got = Buffer.from(keyCheck(master, repoId));
  const want = Buffer.from(expected);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new WrongPassphraseError('recovery key');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
