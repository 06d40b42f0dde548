import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockDigests, MIN_BLOCK } from './block-diff';
import { remoteBlockDigests } from './remote-hash';
import { localShell } from './testing';

// The hypervisor's side of a differential restore, run here: the same shell script and python3
// program, against a real qemu-nbd (qemu-utils) serving a qcow2 over a raw backing file, as a
// Nova disk over _base is. The only stand-in is the transport: a local `sh` instead of SSH.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backstack-remote-hash-'));
const MiB = 1024 * 1024;


afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('block digests computed on the hypervisor', () => {
  // not a whole number of blocks: the last one is shorter
  const size = 3 * MiB + 5120;
  const base = path.join(dir, 'base.raw');
  const top = path.join(dir, 'disk.qcow2');
  const content = randomBytes(size);
  fs.writeFileSync(base, content);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', base, top]);
  // the guest's writes, in the top image: what the guest sees is the base with these over it
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x5a ${MiB + 5} 100000`, '-c', `write -z ${2 * MiB} 65536`, top]);
  content.fill(0x5a, MiB + 5, MiB + 5 + 100000);
  content.fill(0, 2 * MiB, 2 * MiB + 65536);
  const img = { source: { kind: 'file' as const, path: top }, format: 'qcow2', readOnly: true };

  it('are the SHA-256 of each block the guest sees, the short last block included', async () => {
    const expected = new BlockDigests(size, MIN_BLOCK);
    expected.hashAt(0, content);
    const got = new BlockDigests(size, MIN_BLOCK);
    const hashed = await remoteBlockDigests(localShell, img, [{ offset: 0, length: size }], got);
    expect(hashed).toBe(size);
    expect(got.digests.equals(expected.digests)).toBe(true);
  });

  it('cover only the ranges asked for; the other blocks keep the digest of zeros', async () => {
    const got = new BlockDigests(size, MIN_BLOCK);
    const ranges = [
      { offset: MiB, length: 8 * MIN_BLOCK },
      { offset: 3 * MiB, length: size - 3 * MiB },
    ];
    expect(await remoteBlockDigests(localShell, img, ranges, got)).toBe(8 * MIN_BLOCK + size - 3 * MiB);
    const expected = new BlockDigests(size, MIN_BLOCK);
    for (const r of ranges) expected.hashAt(r.offset, content.subarray(r.offset, r.offset + r.length));
    expect(got.digests.equals(expected.digests)).toBe(true);
    expect(got.isZero(0)).toBe(true);
  });

  it('fail with the reason when the image cannot be served', async () => {
    const missing = { ...img, source: { kind: 'file' as const, path: path.join(dir, 'nope.qcow2') } };
    await expect(remoteBlockDigests(localShell, missing, [{ offset: 0, length: MIN_BLOCK }], new BlockDigests(size, MIN_BLOCK))).rejects.toThrow(/nope\.qcow2/);
  });
});
