import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ByteSource } from '../source';

/** A temporary folder and its removal. */
export function scratch(prefix = 'backstack-fs-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic incompressible bytes: SHA-256 in counter mode over a seed. */
export function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length + 32);
  for (let i = 0, at = 0; at < length; i++, at += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  return out.subarray(0, length);
}

/** Deterministic text lines. */
export function lines(length: number, seed: number): Buffer {
  let s = '';
  for (let i = 0; s.length < length; i++) s += `line ${i} of file ${seed}: ${(seed * 7919 + i * 104729) % 1000003}\n`;
  return Buffer.from(s.slice(0, length));
}

/** An image file as a ByteSource, for the parsers' tests (the services' tests read backed-up disks). */
export function imageSource(file: string): ByteSource & { close(): void } {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const b = Buffer.alloc(n);
      if (n > 0) fs.readSync(fd, b, 0, n, offset);
      return b;
    },
    close: () => fs.closeSync(fd),
  };
}
