/**
 * Recycles the engine's big buffers (chunk data, chunk files). They travel to a worker and back
 * (transferred, not copied) and return here, so a backup of any size allocates a bounded set
 * of buffers instead of leaving megabytes of garbage for three V8 heaps to notice late.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly keep = 16,
  ) {}

  get(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Takes back a buffer (or a view of one) that came from get(); others are left to the GC. */
  put(b: Uint8Array): void {
    if (b.buffer.byteLength !== this.size || this.free.length >= this.keep || !(b.buffer instanceof ArrayBuffer)) return;
    this.free.push(Buffer.from(b.buffer, 0, this.size));
  }
}
