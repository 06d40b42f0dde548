import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkDamage, chunkDigest, chunkPath, createCodec, frameCapacity, isZero, openChunk, sealChunkHead, sealChunkInto } from '../format/chunk-format';
import { fillFromParent } from '../format/chunk-merge';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol';

/**
 * Worker thread entry: the CPU work of the engine (hash, compress, encrypt and their inverses).
 * Kept to node:* and zstd-napi so it starts fast and bundles as its own small entry.
 */
const init = workerData as WorkerInit;
const keys = init.keys ? { enc: Buffer.from(init.keys.enc), id: Buffer.from(init.keys.id) } : null;
const codec = createCodec(keys, init.level, init.digest);
const port = parentPort;
if (!port) throw new Error('chunk-worker must run in a worker thread');

/**
 * node:crypto cannot encrypt into a given buffer, so every sealed or opened chunk leaves one
 * payload-sized buffer behind. V8 collects those only after tens of MiB of them pile up per
 * thread; a young-generation collection every few MiB keeps the peak RSS bounded (and costs
 * well under a millisecond). Plain repositories allocate nothing per chunk.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as ((o: { type: 'minor' }) => void) | undefined;
let garbage = 0;
function noteGarbage(bytes: number): void {
  garbage += bytes;
  if (garbage < 8 * 1024 * 1024 || !collect) return;
  garbage = 0;
  collect({ type: 'minor' });
}

const frame = Buffer.allocUnsafe(frameCapacity(init.chunkSize));
/** One read: regular files return short only at their end, and openChunk checks the length. */
function readFrame(digest: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(chunkPath(init.root, digest), 'r');
  } catch (e) {
    throw Object.assign(e as Error, { digest });
  }
  try {
    const n = fs.readSync(fd, frame, 0, frame.length, 0);
    if (n === frame.length) throw new ChunkDamage(digest, 'file larger than any chunk file');
    return frame.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function handle(req: WorkerRequest): WorkerResult {
  switch (req.op) {
    case 'store': {
      const data = asBuffer(req.data);
      const reuse = req.base ? fillFromParent(codec, req.base.digest, readFrame(req.base.digest), data, req.base.keep) : undefined;
      if (isZero(data)) return { kind: 'hole' };
      const digest = chunkDigest(codec, data);
      // Touching an existing chunk marks it as in use for a concurrent GC (FORMAT.md, "GC").
      const now = new Date();
      try {
        fs.utimesSync(chunkPath(init.root, digest), now, now);
        return { kind: 'exists', digest };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const out = asBuffer(req.out);
      const sealed = req.contiguous ? { frameLength: sealChunkInto(codec, digest, data, out, reuse), payloadIsPlain: false } : sealChunkHead(codec, digest, data, out, reuse);
      if (codec.keys) noteGarbage(sealed.frameLength);
      return { kind: 'new', digest, ...sealed };
    }
    case 'read': {
      const f = readFrame(req.digest);
      if (codec.keys) noteGarbage(f.length);
      return { kind: 'plain', plainLength: openChunk(codec, req.digest, f, req.check, asBuffer(req.out)).length, frameLength: f.length };
    }
    case 'digest':
      return { kind: 'digest', digest: chunkDigest(codec, req.data) };
  }
}

/** The request's pooled buffers, handed back with the reply. */
function buffersOf(req: WorkerRequest): Uint8Array[] {
  if (req.op === 'store') return [req.data, req.out];
  if (req.op === 'read') return [req.out];
  return [];
}

port.on('message', (msg: { id: number; req: WorkerRequest }) => {
  let reply: WorkerReply;
  const returned = buffersOf(msg.req);
  try {
    reply = { id: msg.id, ok: true, result: handle(msg.req), returned };
  } catch (e) {
    const err = e as Error & { code?: string };
    reply = {
      id: msg.id,
      ok: false,
      returned,
      error: {
        name: err.name,
        message: err.message,
        ...(e instanceof ChunkDamage ? { digest: e.digest, reason: e.reason } : {}),
        ...(typeof (e as { digest?: unknown }).digest === 'string' ? { digest: (e as { digest: string }).digest } : {}),
        ...(err.code === undefined ? {} : { code: err.code }),
      },
    };
  }
  // Pooled buffers are shared memory (nothing to transfer); others move back without a copy.
  port.postMessage(
    reply,
    returned.map((b) => b.buffer).filter((b, i, all): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0 && all.indexOf(b) === i),
  );
});
