import { describe, expect, it } from 'vitest';
import { WrongPassphraseError } from '../errors';
import { checkRecoveryKey, decodeRecoveryKey, encodeRecoveryKey, keyCheck, newMasterKey, unwrapMaster, wrapMaster } from './keys';

const FAST = { N: 1024, r: 8, p: 1 };

describe('repository keys', () => {
  it('unwraps the master key with the right passphrase only', async () => {
    const master = newMasterKey();
    const w = await wrapMaster(master, 'correct horse', 'repo-1', FAST);
    expect((await unwrapMaster(w, 'correct horse', 'repo-1')).equals(master)).toBe(true);
    await expect(unwrapMaster(w, 'wrong horse', 'repo-1')).rejects.toBeInstanceOf(WrongPassphraseError);
    // bound to its repository: a copied config does not open another repository's key
    await expect(unwrapMaster(w, 'correct horse', 'repo-2')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('recovery keys round-trip and catch typos', () => {
    const master = newMasterKey();
    const text = encodeRecoveryKey(master);
    expect(text).toMatch(/^bsrk1-([0-9a-f]{8}-){8}[0-9a-f]{8}$/);
    expect(decodeRecoveryKey(text.toUpperCase().replace('BSRK1-', 'bsrk1-')).equals(master)).toBe(true);
    const typo = text.slice(0, 10) + (text[10] === '0' ? '1' : '0') + text.slice(11);
    expect(() => decodeRecoveryKey(typo)).toThrow(/typo/);
    expect(() => decodeRecoveryKey('hello')).toThrow(/not a Backstack recovery key/);
  });

  it('tells a recovery key of another repository apart', () => {
    const master = newMasterKey();
    expect(() => checkRecoveryKey(newMasterKey(), 'r', keyCheck(master, 'r'))).toThrow(WrongPassphraseError);
    expect(() => checkRecoveryKey(master, 'r', keyCheck(master, 'r'))).not.toThrow();
  });
});
