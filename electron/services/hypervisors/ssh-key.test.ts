import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPrivateKey, storedKeyIdentity } from './ssh-key';

// Keys made by OpenSSH's own ssh-keygen, in each format an admin may paste; the fingerprint
// Backstack shows must be the one `ssh-keygen -lf` prints for the same key.
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-ssh-key-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function keygen(name: string, args: string[], passphrase = ''): { key: string; fingerprint: string; type: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', ...args, '-N', passphrase, '-C', `${name}@test`, '-f', file]);
  // "256 SHA256:abc… name@test (ED25519)"
  const [, fingerprint, , type] = execFileSync('ssh-keygen', ['-lf', `${file}.pub`])
    .toString()
    .trim()
    .split(' ');
  return { key: fs.readFileSync(file, 'utf8'), fingerprint: fingerprint!, type: type! };
}

describe('the fingerprint of a private key', () => {
  it.each([
    ['ed25519', ['-t', 'ed25519'], '', 'ssh-ed25519'],
    ['rsa-openssh-with-passphrase', ['-t', 'rsa', '-b', '2048'], 'correct horse', 'ssh-rsa'],
    ['ecdsa-pem-with-passphrase', ['-t', 'ecdsa', '-m', 'PEM'], 'battery staple', 'ecdsa-sha2-nistp256'],
    ['rsa-pem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM'], '', 'ssh-rsa'],
  ])('is what ssh-keygen -lf prints (%s)', (name, args, passphrase, type) => {
    const k = keygen(name, args, passphrase);
    expect(k.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(readPrivateKey(k.key, passphrase || undefined)).toEqual({ type, fingerprint: k.fingerprint });
    expect(storedKeyIdentity(k.key, passphrase || undefined)).toEqual({ type, fingerprint: k.fingerprint });
  });

  it("shows an OpenSSH key's fingerprint without its passphrase (the public half is stored in the clear)", () => {
    const k = keygen('ed25519-with-passphrase', ['-t', 'ed25519'], 'secret words');
    expect(storedKeyIdentity(k.key)).toEqual({ type: 'ssh-ed25519', fingerprint: k.fingerprint });
  });

  it('refuses, in words, a key that cannot be used: no passphrase, a wrong one, a public key, not a key', () => {
    const k = keygen('locked', ['-t', 'ed25519'], 'right one');
    expect(() => readPrivateKey(k.key)).toThrow(/cannot be read \(.*passphrase.*\)\. Give the private key file/);
    expect(() => readPrivateKey(k.key, 'wrong one')).toThrow(/cannot be read/);
    expect(() => readPrivateKey(fs.readFileSync(path.join(dir, 'locked.pub'), 'utf8'))).toThrow(/That is a public key/);
    expect(() => readPrivateKey('not a key')).toThrow(/cannot be read/);
    expect(storedKeyIdentity('not a key')).toBeNull();
  });
});
