import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../lib/worker-entry';
import { ChunkDamage } from '../format/chunk-format';
import { CorruptChunkError, MissingChunkError } from '../errors';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol';

export interface WorkerOutcome {
  result: WorkerResult;
  /** the request's buffers, back from the worker: give them to their BufferPool */
  returned: Buffer[];
}

/**
 * A fixed pool of worker threads for the engine's CPU work. Requests queue in the main thread;
 * callers bound how many they keep in flight, so memory stays bounded (backpressure). Data
 * buffers are transferred, not copied. Idle workers are unref'd so they never keep a process alive.
 */

let scriptOverride: string | undefined;

/**
 * Where the worker entry lives. Default: chunk-worker.js beside this module (a build that emits
 * the worker as its own entry), else chunk-worker.ts run through tsx (dev, tests, the CLI).
 * A bundler that puts the worker elsewhere sets the path here or in BACKSTACK_CHUNK_WORKER.
 */
export function setChunkWorkerScript(path: string | undefined): void {
  scriptOverride = path;
}

function workerSource(): { code: string; eval: boolean } {
  return workerEntry(import.meta.url, 'chunk-worker', scriptOverride ?? process.env.BACKSTACK_CHUNK_WORKER);
}

interface Task {
  id: number;
  req: WorkerRequest;
  resolve: (r: WorkerOutcome) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** sent and not answered yet, oldest first */
  tasks: Task[];
}

/**
 * Tasks sent ahead to each worker. With two, a worker starts its next task as soon as it
 * finishes one, instead of idling while the main thread takes the reply and sends more.
 */
const PER_WORKER = 2;

/** Buffers move to the worker when they own all their memory; views of shared memory are copied. */
function transferList(req: WorkerRequest): ArrayBuffer[] {
  const bufs = req.op === 'store' ? [req.data, req.out] : req.op === 'read' ? [req.out] : [];
  const out: ArrayBuffer[] = [];
  for (const b of bufs) {
    if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer && !out.includes(b.buffer)) out.push(b.buffer);
  }
  return out;
}

export const defaultPoolSize = (): number => Math.max(1, Math.min(os.availableParallelism(), 8));

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly init: WorkerInit,
    readonly size: number = defaultPoolSize(),
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(req: WorkerRequest): Promise<WorkerOutcome> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('worker pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const src = workerSource();
    const worker = new Worker(src.code, { eval: src.eval, workerData: this.init, stdout: false, stderr: false });
    worker.unref();
    const slot: Slot = { worker, tasks: [] };
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.tasks.shift(); // a worker answers in order
      if (slot.tasks.length === 0) worker.unref();
      if (task && task.id === reply.id) {
        if (reply.ok) task.resolve({ result: reply.result, returned: reply.returned.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)) });
        else task.reject(reviveError(reply.error));
      }
      this.pump();
    });
    worker.on('error', (err) => {
      // A crashed worker fails its tasks and is replaced; the pool keeps its size.
      for (const task of slot.tasks.splice(0)) task.reject(err);
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    });
    return slot;
  }

  private pump(): void {
    // Fill idle workers first, then give each a second task.
    for (let depth = 1; depth <= PER_WORKER; depth++) {
      for (const slot of this.slots) {
        if (slot.tasks.length >= depth) continue;
        const task = this.queue.shift();
        if (!task) return;
        slot.tasks.push(task);
        slot.worker.ref();
        slot.worker.postMessage({ id: task.id, req: task.req }, transferList(task.req));
      }
    }
  }
}

function reviveError(e: Extract<WorkerReply, { ok: false }>['error']): Error {
  if (e.name === ChunkDamage.name && e.digest !== undefined) return new CorruptChunkError(e.digest, e.reason ?? e.message);
  if (e.code === 'ENOENT' && e.digest !== undefined) return new MissingChunkError(e.digest);
  const err = new Error(e.message) as NodeJS.ErrnoException;
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
