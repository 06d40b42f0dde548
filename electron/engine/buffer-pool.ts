/**
 * Recycles the engine's big buffers (chunk data, chunk files), so a backup of any size
 * allocates a bounded set of buffers instead of leaving megabytes of garbage for three V8 heaps
 * to notice late. They live in SharedArrayBuffers: a worker sees the same memory (no copy, no
 * transfer). Transferring plain ArrayBuffers instead hands V8 a "new" 4 MiB external buffer on
 * every hop, and its external-memory heuristics then ran a full GC every few chunks (a third of
 * the main thread's time on a full backup).
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 48,
  ) {}

  get(): Buffer {
    return this.free.pop() ?? Buffer.from(new SharedArrayBuffer(this.size));
  }

  /** Takes back a buffer (or a view of one) that came from get(); others are left to the GC. */
  put(b: Uint8Array): void {
    if (b.buffer.byteLength !== this.size || this.free.length >= this.keep || !(b.buffer instanceof SharedArrayBuffer)) return;
    this.free.push(Buffer.from(b.buffer, 0, this.size));
  }
}
