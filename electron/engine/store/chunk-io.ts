import type { Repository } from '../repository';

/**
 * Reads a chunk file and decodes it in a worker, into one of the repository's recycled buffers.
 * The caller owns `plain` (a view of a pooled buffer) and hands it back with
 * repo.dataBuffers.put(plain) when done with it.
 */
export async function loadChunk(repo: Repository, digest: string, opts: { check?: boolean } = {}): Promise<{ plain: Buffer; frameLength: number }> {
  const { result, returned } = await repo.pool().run({ op: 'read', digest, out: repo.dataBuffers.get(), check: opts.check ?? false });
  const [out] = returned as [Buffer];
  if (result.kind !== 'plain') throw new Error(`unexpected worker result ${result.kind}`);
  return { plain: out.subarray(0, result.plainLength), frameLength: result.frameLength };
}
