import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chunkDigest, chunkPath } from '../format/chunk-format';
import { CorruptChunkError, MissingChunkError } from '../errors';
import { tempDir, textBlock } from '../testing/fixtures';
import { WorkerPool } from './worker-pool';

const init = { root: '/nonexistent', chunkSize: 64 * 1024, level: 1, digest: 'blake3', keys: null } as const;

describe('worker pool', () => {
  it('runs the TypeScript worker entry under the test runner, in parallel, and returns pooled buffers', async () => {
    const pool = new WorkerPool(init, 2);
    try {
      const blocks = Array.from({ length: 8 }, (_, i) => textBlock(64 * 1024, i));
      const expected = blocks.map((b) => chunkDigest(init, b));
      const results = await Promise.all(blocks.map((b) => pool.run({ op: 'digest', data: Buffer.from(b) })));
      expect(results.map((r) => (r.result.kind === 'digest' ? r.result.digest : ''))).toEqual(expected);

      const data = Buffer.allocUnsafeSlow(64 * 1024);
      textBlock(64 * 1024, 99).copy(data);
      const out = Buffer.allocUnsafeSlow(80 * 1024);
      const { result, returned } = await pool.run({ op: 'store', data, out });
      expect(data.byteLength).toBe(0); // moved to the worker, not copied
      expect(result.kind).toBe('new');
      expect(returned.map((b) => b.length)).toEqual([64 * 1024, 80 * 1024]);
    } finally {
      await pool.close();
    }
  });

  it('reads chunk files itself: a damaged one is CorruptChunkError, a missing one MissingChunkError, both naming the digest', async () => {
    const { dir, cleanup } = tempDir();
    const pool = new WorkerPool({ ...init, root: dir }, 1);
    try {
      const digest = 'ab'.repeat(32);
      const out = (): Buffer => Buffer.alloc(64 * 1024);
      await expect(pool.run({ op: 'read', digest, out: out(), check: false })).rejects.toThrow(MissingChunkError);
      fs.mkdirSync(path.dirname(chunkPath(dir, digest)), { recursive: true });
      fs.writeFileSync(chunkPath(dir, digest), Buffer.alloc(100, 7));
      await expect(pool.run({ op: 'read', digest, out: out(), check: false })).rejects.toThrow(CorruptChunkError);
      await expect(pool.run({ op: 'read', digest, out: out(), check: false })).rejects.toThrow(digest);
    } finally {
      await pool.close();
      cleanup();
    }
  });
});
