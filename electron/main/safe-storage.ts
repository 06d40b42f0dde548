import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { defaultKeyProtector, type KeyProtector } from '../lib/secret-box';

/**
 * In the desktop app the master key is wrapped by Electron's safeStorage (Keychain, DPAPI,
 * libsecret/kwallet). Where safeStorage has no real backend (Linux "basic_text") it would
 * only obfuscate, so the keyring-or-key-file protector is used instead.
 */
export function electronKeyProtector(dataDir: string): KeyProtector {
  const usable = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  if (!usable) return defaultKeyProtector(dataDir);
  const file = path.join(dataDir, 'master.key.safe');
  return {
    kind: 'electron-safe-storage',
    loadOrCreateKey() {
      if (fs.existsSync(file)) return Buffer.from(safeStorage.decryptString(fs.readFileSync(file)), 'base64');
      const key = randomBytes(32);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, safeStorage.encryptString(key.toString('base64')), { mode: 0o600, flag: 'wx' });
      return key;
    },
  };
}
