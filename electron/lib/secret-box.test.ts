import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKeyProtector, keyFileProtector, SecretBox } from './secret-box';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-secrets-'));

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const box = new SecretBox(keyFileProtector(tmp()).loadOrCreateKey());
    const sealed = box.seal('provider/1/password', 'hunter2-ü');
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    expect(box.open('provider/1/password', sealed)).toBe('hunter2-ü');
  });

  it('refuses a ciphertext moved to another id, or tampered with', () => {
    const box = new SecretBox(keyFileProtector(tmp()).loadOrCreateKey());
    const sealed = box.seal('a', 'secret');
    expect(() => box.open('b', sealed)).toThrow(/cannot be decrypted/);
    sealed[sealed.length - 1]! ^= 1;
    expect(() => box.open('a', sealed)).toThrow(/cannot be decrypted/);
  });

  it('keeps the key file readable by its owner only, and reuses it', () => {
    const dir = tmp();
    const k1 = keyFileProtector(dir).loadOrCreateKey();
    expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(keyFileProtector(dir).loadOrCreateKey().equals(k1)).toBe(true);
  });

  it('falls back to the key file when no keyring answers', () => {
    const failing = () => ({
      Entry: class {
        getPassword(): string {
          throw new Error('AccessDenied');
        }
        setPassword(): void {}
      },
    });
    expect(defaultKeyProtector(tmp(), failing).kind).toBe('key-file');
  });

  it('uses the keyring when it answers', () => {
    const store = new Map<string, string>();
    const keyring = () => ({
      Entry: class {
        constructor(
          private s: string,
          private u: string,
        ) {}
        getPassword() {
          return store.get(`${this.s}/${this.u}`);
        }
        setPassword(p: string) {
          store.set(`${this.s}/${this.u}`, p);
        }
      },
    });
    const dir = tmp();
    const first = defaultKeyProtector(dir, keyring);
    expect(first.kind).toBe('os-keyring');
    expect(defaultKeyProtector(dir, keyring).loadOrCreateKey().equals(first.loadOrCreateKey())).toBe(true);
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
  });
});
