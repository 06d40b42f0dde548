import type { Repository } from './repository';

/**
 * Reads a chunk file and decodes it in a worker, through the repository's recycled buffers.
 * The caller owns `plain` (a view of a pooled buffer) and hands it back with
 * repo.dataBuffers.put(plain) when done with it.
 */
export async function loadChunk(repo: Repository, digest: string, opts: { check?: boolean } = {}): Promise<{ plain: Buffer; frameLength: number }> {
  const frame = repo.frameBuffers.get();
  let frameLength: number;
  try {
    frameLength = await repo.chunks.readInto(digest, frame);
  } catch (e) {
    repo.frameBuffers.put(frame);
    throw e;
  }
  const { result, returned } = await repo.pool().run({ op: opts.check ? 'check' : 'open', digest, frame, frameLength, out: repo.dataBuffers.get() });
  const [frameBack, out] = returned as [Buffer, Buffer];
  repo.frameBuffers.put(frameBack);
  if (result.kind !== 'plain') throw new Error(`unexpected worker result ${result.kind}`);
  return { plain: out.subarray(0, result.plainLength), frameLength };
}
