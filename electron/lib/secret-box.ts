import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretStorage } from '../../shared/domain/app';

/** Where the master key lives; Electron's main passes one backed by safeStorage. */
export interface KeyProtector {
  kind: SecretStorage;
  /** the 32-byte master key, created on first use */
  loadOrCreateKey(): Buffer;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const VERSION = 1;

/**
 * Encrypts secrets (passwords, application credentials, SSH keys) with AES-256-GCM under one
 * master key. Ciphertext: version byte, 12-byte nonce, 16-byte tag, then the data. The
 * secret's id is bound as additional data, so a ciphertext cannot be swapped onto another id.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError('The master key must be 32 bytes.');
  }

  seal(id: string, plaintext: string): Buffer {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    c.setAAD(Buffer.from(id));
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, c.getAuthTag(), body]);
  }

  open(id: string, sealed: Buffer): string {
    if (sealed[0] !== VERSION || sealed.length < 29) throw new SecretBoxError('Unknown secret format.');
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    d.setAAD(Buffer.from(id));
    d.setAuthTag(sealed.subarray(13, 29));
    try {
      return Buffer.concat([d.update(sealed.subarray(29)), d.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'A stored secret cannot be decrypted: the master key changed (another user account, a restored catalog without its key, or a reset keyring). Enter the password again.',
      );
    }
  }
}

/** A key file readable by this user only: the fallback where no OS keyring answers. */
export function keyFileProtector(dataDir: string): KeyProtector {
  const file = path.join(dataDir, 'master.key');
  return {
    kind: 'key-file',
    loadOrCreateKey() {
      if (fs.existsSync(file)) {
        const st = fs.statSync(file);
        if ((st.mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
        return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
      }
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const key = randomBytes(32);
      // wx: never overwrite a key another process created a moment ago.
      try {
        fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
        throw e;
      }
      return key;
    },
  };
}

interface KeyringEntry {
  getPassword(): string | null | undefined;
  setPassword(p: string): void;
}

/**
 * The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager) when one answers;
 * otherwise the key file. Which one is used is shown in Settings.
 */
export function defaultKeyProtector(dataDir: string, loadKeyring: () => { Entry: new (service: string, user: string) => KeyringEntry } = requireKeyring): KeyProtector {
  try {
    const entry = new (loadKeyring().Entry)('backstack', `master-key:${path.resolve(dataDir)}`);
    const existing = entry.getPassword();
    if (existing) {
      return { kind: 'os-keyring', loadOrCreateKey: () => Buffer.from(existing, 'base64') };
    }
    // Only adopt the keyring when no key file holds secrets already (moving keys is not silent).
    if (!fs.existsSync(path.join(dataDir, 'master.key'))) {
      const key = randomBytes(32);
      entry.setPassword(key.toString('base64'));
      return { kind: 'os-keyring', loadOrCreateKey: () => key };
    }
  } catch {
    // No keyring service (headless Linux, no D-Bus session): fall through to the key file.
  }
  return keyFileProtector(dataDir);
}

function requireKeyring(): { Entry: new (service: string, user: string) => KeyringEntry } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@napi-rs/keyring') as { Entry: new (service: string, user: string) => KeyringEntry };
}
