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

  /** Whether `b` is page-aligned memory fit for direct I/O (AlignedBufferPool's slots). */
  isAligned(_b: Uint8Array): boolean {
    return false;
  }
}

const WASM_PAGE = 64 * 1024;

// @types/node declares only part of the WebAssembly namespace (no Memory): the piece used here.
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const wasm: unknown = Reflect.get(globalThis, 'WebAssembly');
const { Memory } = wasm as { Memory: new (d: { initial: number; maximum: number; shared: true }) => WasmMemory };

/**
 * A BufferPool whose first `slots` buffers are page-aligned, for direct I/O (direct-io.ts).
 * Node cannot allocate aligned memory, but a WebAssembly memory starts on a 64 KiB page: the
 * slots are carved from one shared WebAssembly.Memory (shared, so workers fill them in place
 * like any pooled buffer). Past `slots` buffers in use, get() hands out ordinary ones, which
 * isAligned() tells apart. Pools of one size are shared by the whole process (pooledAligned),
 * so there is one such memory per chunk size, not one per open repository.
 */
export class AlignedBufferPool extends BufferPool {
  private readonly memory: WasmMemory;
  private readonly stride: number;
  private readonly freeSlots: number[];

  constructor(size: number, slots: number) {
    super(size);
    this.stride = Math.ceil(size / WASM_PAGE) * WASM_PAGE;
    const pages = (this.stride / WASM_PAGE) * slots;
    this.memory = new Memory({ initial: pages, maximum: pages, shared: true });
    // lowest slots first: a light load keeps touching the same few pages
    this.freeSlots = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  }

  override get(): Buffer {
    const slot = this.freeSlots.pop();
    if (slot === undefined) return super.get();
    return Buffer.from(this.memory.buffer, slot * this.stride, this.size);
  }

  override put(b: Uint8Array): void {
    const slot = this.slotOf(b);
    if (slot === null) return super.put(b);
    if (!this.freeSlots.includes(slot)) this.freeSlots.push(slot);
  }

  /**
   * Whether `b` is one of the aligned slots (also after a round trip through a worker, which
   * gives back a new SharedArrayBuffer object over the same memory: recognised by its length).
   */
  override isAligned(b: Uint8Array): boolean {
    return this.slotOf(b) !== null;
  }

  private slotOf(b: Uint8Array): number | null {
    if (!(b.buffer instanceof SharedArrayBuffer) || b.buffer.byteLength !== this.memory.buffer.byteLength || b.byteOffset % this.stride !== 0) return null;
    return b.byteOffset / this.stride;
  }
}

const shared = new Map<number, AlignedBufferPool>();

/** The process's aligned pool for buffers of `size` bytes (48 slots). */
export function pooledAligned(size: number): AlignedBufferPool {
  let p = shared.get(size);
  if (!p) {
    p = new AlignedBufferPool(size, 48);
    shared.set(size, p);
  }
  return p;
}
