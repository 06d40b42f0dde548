import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../lib/worker-entry';
import { TransferError } from './errors';
import { NbdError } from './nbd';
import type { NbdReaderSpec, ReaderError, ReaderInit, ReaderReply } from './nbd-reader-protocol';
import type { SshTarget } from './ssh';
import type { NbdReadable } from './remote-nbd';

/**
 * A backup's disk stream read by a thread of its own. Decrypting SSH (or TLS), framing NBD and
 * copying the data cost ≈ 1.2 CPU-s per GiB; on the main thread that kept the core's event loop
 * 75% busy during a backup (the app's IPC waited behind it) and made the stream wait for the
 * engine's bookkeeping. The thread opens its own connection (SSH to qemu-nbd's socket, pinned to
 * the key the job's connection saw, or the direct TLS port) and fills the engine's shared buffers.
 */

let scriptOverride: string | undefined;

/** Where the thread's entry lives in a bundle (see setChunkWorkerScript); env BACKSTACK_NBD_READER_WORKER. */
export function setNbdReaderScript(path: string | undefined): void {
  scriptOverride = path;
}

export interface NbdReader extends NbdReadable {
  /** the export's size in bytes */
  readonly size: number;
  /** says goodbye to the server and ends the thread */
  close(): Promise<void>;
}

const toError = (e: ReaderError): Error => (e.name === 'NbdError' ? new NbdError(e.message) : new TransferError(e.message));

/** A reader thread started ahead of its disk: open() it once qemu-nbd serves, or dispose() it. */
export interface StartedReader {
  open(spec: NbdReaderSpec, signal?: AbortSignal): Promise<NbdReader>;
  dispose(): Promise<void>;
}

/**
 * Starts the thread (and, given the host's SSH settings, its connection) while the caller
 * starts qemu-nbd: both cost a few hundred milliseconds, so they overlap.
 */
export function startNbdReader(ssh: SshTarget | null): StartedReader {
  const src = workerEntry(import.meta.url, 'nbd-reader-worker', scriptOverride ?? process.env.BACKSTACK_NBD_READER_WORKER);
  const init: ReaderInit = { ssh };
  const worker = new Worker(src.code, { eval: src.eval, workerData: init });
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  let nextId = 1;
  const fail = (e: Error): void => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (e) => fail(new NbdError(`The disk reader thread failed: ${e.message}`)));
  worker.on('exit', () => fail(new NbdError('The NBD connection closed.')));
  worker.on('message', (m: ReaderReply) => {
    if (m.kind !== 'done' && m.kind !== 'error') return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.kind === 'done') p?.resolve();
    else p?.reject(toError(m.error));
  });
  const close = async (): Promise<void> => {
    if (!failure) worker.postMessage({ kind: 'close' });
    // a thread that does not say goodbye in time is stopped
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  };

  return {
    dispose: close,
    async open(spec, signal) {
      const size = await new Promise<number>((resolve, reject) => {
        if (failure) return reject(failure);
        const onAbort = (): void => {
          void worker.terminate();
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.once('exit', () => reject(failure ?? new NbdError('The disk reader thread ended before it connected.')));
        worker.on('message', function first(m: ReaderReply) {
          if (m.kind !== 'ready' && m.kind !== 'failed') return;
          worker.off('message', first);
          signal?.removeEventListener('abort', onAbort);
          if (m.kind === 'ready') resolve(m.size);
          else reject(toError(m.error));
        });
        worker.postMessage({ kind: 'open', spec });
      });
      return {
        size,
        readv(offset, bufs) {
          if (failure) return Promise.reject(failure);
          const id = nextId++;
          return new Promise<void>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            worker.postMessage({ kind: 'read', id, offset, bufs });
          });
        },
        abort() {
          fail(new NbdError('The NBD client was aborted.'));
          void worker.terminate();
        },
        close,
      };
    },
  };
}

/**
 * Reader threads started one disk ahead, from the job's start: the thread and its connection
 * come up while the snapshot is taken (≈ 0.3 s), and the next disk's while one streams.
 */
export class ReaderQueue {
  private ahead: StartedReader | null;

  constructor(private readonly ssh: SshTarget | null) {
    this.ahead = startNbdReader(ssh);
  }

  /** The next started reader; with `more`, another is started for the disk after it. */
  take(more: boolean): StartedReader {
    const r = this.ahead ?? startNbdReader(this.ssh);
    this.ahead = more ? startNbdReader(this.ssh) : null;
    return r;
  }

  /** Ends a reader started for a disk that will not be read. */
  async dispose(): Promise<void> {
    const a = this.ahead;
    this.ahead = null;
    await a?.dispose();
  }
}

/** A thread reading the disk `spec` names (started and opened in one go). */
export async function openNbdReader(spec: NbdReaderSpec & { ssh?: SshTarget }, signal?: AbortSignal): Promise<NbdReader> {
  const started = startNbdReader(spec.ssh ?? null);
  try {
    return await started.open(spec, signal);
  } catch (e) {
    await started.dispose();
    throw e;
  }
}
