import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkDamage, chunkDigest, chunkPath, createCodec, isZero, openChunk, sealChunk } from './chunk-format';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol';

/**
 * Worker thread entry: the CPU work of the engine (hash, compress, encrypt and their inverses).
 * Kept to node:* and zstd-napi so it starts fast and bundles as its own small entry.
 */
const init = workerData as WorkerInit;
const keys = init.keys ? { enc: Buffer.from(init.keys.enc), id: Buffer.from(init.keys.id) } : null;
const codec = createCodec(keys, init.level, init.chunkSize);
const port = parentPort;
if (!port) throw new Error('chunk-worker must run in a worker thread');

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
/** Transfer only buffers that own their whole ArrayBuffer; small ones may share Node's pool. */
function own(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b;
  const c = Buffer.allocUnsafeSlow(b.length);
  b.copy(c);
  return c;
}

function handle(req: WorkerRequest): { result: WorkerResult; transfer: ArrayBuffer[] } {
  switch (req.op) {
    case 'store': {
      const data = asBuffer(req.data);
      if (isZero(data)) return { result: { kind: 'hole' }, transfer: [] };
      const digest = chunkDigest(codec.keys, data);
      // Touching an existing chunk marks it as in use for a concurrent GC (FORMAT.md, "GC").
      const now = new Date();
      try {
        fs.utimesSync(chunkPath(init.root, digest), now, now);
        return { result: { kind: 'exists', digest }, transfer: [] };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const frame = own(sealChunk(codec, digest, data));
      return { result: { kind: 'new', digest, frame }, transfer: [frame.buffer as ArrayBuffer] };
    }
    case 'open': {
      const plain = own(openChunk(codec, req.digest, asBuffer(req.frame)));
      return { result: { kind: 'plain', plain }, transfer: [plain.buffer as ArrayBuffer] };
    }
    case 'check':
      return { result: { kind: 'checked', plainLength: openChunk(codec, req.digest, asBuffer(req.frame), true).length }, transfer: [] };
    case 'digest':
      return { result: { kind: 'digest', digest: chunkDigest(codec.keys, req.data) }, transfer: [] };
  }
}

port.on('message', (msg: { id: number; req: WorkerRequest }) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const out = handle(msg.req);
    reply = { id: msg.id, ok: true, result: out.result };
    transfer = out.transfer;
  } catch (e) {
    const err = e as Error & { code?: string };
    reply = {
      id: msg.id,
      ok: false,
      error: {
        name: err.name,
        message: err.message,
        ...(e instanceof ChunkDamage ? { digest: e.digest, reason: e.reason } : {}),
        ...(err.code === undefined ? {} : { code: err.code }),
      },
    };
  }
  port.postMessage(reply, transfer);
});
