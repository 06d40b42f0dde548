import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import { AppError } from '../../../shared/errors/codes';

/** What an admin may see of a stored private key: never the key. */
export interface KeyIdentity {
  /** the SSH name of its type: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256 … */
  type: string;
  /** "SHA256:…" exactly as `ssh-keygen -lf` prints it */
  fingerprint: string;
}

/** SHA-256 of the public key blob, base64 without padding: OpenSSH's fingerprint. */
const fingerprintOf = (blob: Buffer): string => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

function identityOf(blob: Buffer): KeyIdentity {
  const n = blob.readUInt32BE(0);
  return { type: blob.subarray(4, 4 + n).toString('latin1'), fingerprint: fingerprintOf(blob) };
}

const MAGIC = 'openssh-key-v1\0';

/**
 * The public half of an OpenSSH-format private key, which the file holds in the clear: read
 * without the passphrase (and without its bcrypt rounds, hundreds of milliseconds a key).
 */
function openSshPublicBlob(privateKey: string): Buffer | null {
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+?)-----END OPENSSH PRIVATE KEY-----/.exec(privateKey);
  if (!m?.[1]) return null;
  const b = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  if (b.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return null;
  let at = MAGIC.length;
  const next = (): Buffer => {
    const n = b.readUInt32BE(at);
    const v = b.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return v;
  };
  next(); // cipher
  next(); // kdf
  next(); // kdf options
  const keys = b.readUInt32BE(at);
  at += 4;
  return keys >= 1 ? next() : null;
}

/**
 * Reads a private key as the SSH connection will (OpenSSH or PEM, with its passphrase): a key
 * that cannot be used is refused when it is given, not at the first backup.
 */
export function readPrivateKey(privateKey: string, passphrase?: string): KeyIdentity {
  const parsed = utils.parseKey(privateKey, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const why = key instanceof Error ? key.message : 'no key found';
    throw new AppError(
      'validation.invalidInput',
      `The private key cannot be read (${why}). Give the private key file (OpenSSH "BEGIN OPENSSH PRIVATE KEY" or PEM), and its passphrase if it has one.`,
    );
  }
  if (key.isPrivateKey && !key.isPrivateKey())
    throw new AppError('validation.invalidInput', 'That is a public key: give the private key (the file without .pub).');
  return identityOf(key.getPublicSSH());
}

/** The identity of a stored key for the settings view, or null when it cannot be read (never throws). */
export function storedKeyIdentity(privateKey: string, passphrase?: string): KeyIdentity | null {
  try {
    const blob = openSshPublicBlob(privateKey);
    return blob ? identityOf(blob) : readPrivateKey(privateKey, passphrase);
  } catch {
    return null;
  }
}
