import type { Duplex } from 'node:stream';

/** The peer closed the connection (or it failed) while a read was waiting. */
export class ConnectionClosed extends Error {
  constructor(cause?: unknown) {
    super('The NBD client closed the connection.', cause === undefined ? undefined : { cause });
  }
}

/**
 * Exact-length reads from a socket: `read(n)` resolves with the next n bytes. At most `highWater`
 * bytes (or the one read being waited for) are buffered: past that the socket is paused, so a
 * client that pipelines faster than the disk is read cannot make the process buffer without end.
 */
export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private closed: Error | null = null;
  private readonly onData = (b: Buffer) => {
    this.chunks.push(b);
    this.buffered += b.length;
    this.settle();
    if (this.buffered > this.highWater && !this.waiter) this.stream.pause();
  };
  private readonly onEnd = () => this.fail(new ConnectionClosed());
  private readonly onError = (e: Error) => this.fail(new ConnectionClosed(e));

  constructor(
    private readonly stream: Duplex,
    private readonly highWater = 1024 * 1024,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** bytes received and not read yet */
  get pending(): number {
    return this.buffered;
  }

  read(n: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('SocketReader: one read at a time'));
    if (this.buffered >= n) return Promise.resolve(this.take(n));
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      this.stream.resume();
    });
  }

  /** Stops listening (the socket is handed to TLS, or closed); what was buffered is dropped. */
  detach(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.pause();
    this.fail(new ConnectionClosed());
  }

  private settle(): void {
    const w = this.waiter;
    if (w && this.buffered >= w.n) {
      this.waiter = null;
      w.resolve(this.take(w.n));
    }
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    if (this.buffered <= this.highWater) this.stream.resume();
    return out;
  }

  private fail(e: Error): void {
    if (!this.closed) this.closed = e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.closed);
  }
}
