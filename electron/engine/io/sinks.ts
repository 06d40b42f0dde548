import fs from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, isErrno, StorageFullError } from '../errors';
import { fileOrDeviceSize } from './extents';
import { tempName } from './fsutil';

/**
 * Where restores write. Calls come in ascending offset order, covering the disk exactly once:
 * write() for data, zero() for holes. finish() makes the result visible; abort() after a failure
 * leaves nothing that could be mistaken for a good restore where possible. The engine reuses
 * `data` once write() has resolved: a sink that keeps it longer must copy it.
 */
export interface ExtentSink {
  open(size: number): Promise<void>;
  write(offset: number, data: Buffer): Promise<void>;
  /**
   * Optional: copies bytes this restore already wrote (a repeated chunk) instead of having them
   * decoded again. Only for targets that can read back what they wrote.
   */
  copy?(from: number, to: number, length: number): Promise<void>;
  zero(offset: number, length: number): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

const BLOCK = 4096;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
const ZERO_MIB = Buffer.alloc(1024 * 1024);

/**
 * Flushes a file to disk while it is being written: every `every` bytes a datasync starts in
 * the background (one at a time), so the final fsync has little left to do and disk writes
 * overlap the decoding instead of following it.
 */
class BackgroundFlush {
  private since = 0;
  private running: Promise<void> | undefined;
  private error: unknown;

  constructor(private readonly every: number) {}

  wrote(fh: fs.FileHandle, bytes: number): void {
    this.since += bytes;
    if (this.since < this.every || this.running) return;
    this.since = 0;
    this.running = fh.datasync().then(
      () => (this.running = undefined),
      (e: unknown) => {
        this.error ??= e;
        this.running = undefined;
      },
    );
  }

  async settle(): Promise<void> {
    await this.running;
    if (this.error !== undefined) throw this.error;
  }
}

/**
 * A sparse file: holes and all-zero 4 KiB blocks are not written, so the restored file is
 * as sparse as the backup. Written under a temporary name, flushed to disk (fsync) and renamed
 * on success; a failed restore deletes it, so a file at `path` is always a complete restore.
 * `fsync: false` skips the flush (a scratch copy that a crash may lose).
 */
export function fileSink(path: string, opts: { sparse?: boolean; fsync?: boolean } = {}): ExtentSink {
  const sparse = opts.sparse ?? true;
  const fsync = opts.fsync ?? true;
  const tmp = tempName(path);
  let fh: fs.FileHandle | undefined;
  let size = 0;
  const flush = new BackgroundFlush(64 * 1024 * 1024);
  const wrap = (e: unknown): unknown => (isErrno(e, 'ENOSPC', 'EDQUOT') ? new StorageFullError(path, e, 'restore') : e);
  const writeAll = async (data: Buffer, pos: number): Promise<void> => {
    const f = fh as fs.FileHandle;
    let done = 0;
    while (done < data.length) done += (await f.write(data, done, data.length - done, pos + done)).bytesWritten;
    if (fsync) flush.wrote(f, data.length);
  };
  let scratch: Buffer | undefined;
  const sink: ExtentSink = {
    async open(n) {
      size = n;
      fh = await fs.open(tmp, 'wx+');
    },
    async copy(from, to, length) {
      if (!scratch || scratch.length < length) scratch = Buffer.allocUnsafeSlow(length);
      const { bytesRead } = await (fh as fs.FileHandle).read(scratch, 0, length, from);
      // Beyond what was written so far (a hole at the end) the file reads short: zeros.
      scratch.fill(0, bytesRead, length);
      await sink.write(to, scratch.subarray(0, length));
    },
    async write(offset, data) {
      try {
        if (!sparse) return await writeAll(data, offset);
        let i = 0;
        while (i < data.length) {
          while (i < data.length && isZeroBlock(data, i)) i += BLOCK;
          let j = i;
          while (j < data.length && !isZeroBlock(data, j)) j += BLOCK;
          if (j > i) await writeAll(data.subarray(i, Math.min(j, data.length)), offset + i);
          i = j;
        }
      } catch (e) {
        throw wrap(e);
      }
    },
    async zero(offset, length) {
      if (sparse) return;
      for (let done = 0; done < length; done += ZERO_MIB.length) {
        await writeAll(ZERO_MIB.subarray(0, Math.min(ZERO_MIB.length, length - done)), offset + done).catch((e: unknown) => Promise.reject(wrap(e)));
      }
    },
    async finish() {
      try {
        const f = fh as fs.FileHandle;
        await flush.settle();
        await f.truncate(size);
        if (fsync) await f.sync();
        await f.close();
        fh = undefined;
        await fs.rename(tmp, path);
      } catch (e) {
        throw wrap(e);
      }
    },
    async abort() {
      await flush.settle().catch(() => undefined);
      await fh?.close().catch(() => undefined);
      fh = undefined;
      await fs.rm(tmp, { force: true });
    },
  };
  return sink;
}

function isZeroBlock(data: Buffer, at: number): boolean {
  const end = Math.min(at + BLOCK, data.length);
  return data.compare(ZERO_BLOCK, 0, end - at, at, end) === 0;
}

/**
 * A block device (an attached Cinder volume). Holes are written as zeros unless the caller
 * knows the device reads as zeros already (`zeroHoles: false`, e.g. a fresh thin volume).
 * A failed restore cannot be undone on a device: the error says so.
 */
export function blockDeviceSink(path: string, opts: { zeroHoles?: boolean } = {}): ExtentSink {
  const zeroHoles = opts.zeroHoles ?? true;
  let fh: fs.FileHandle | undefined;
  const flush = new BackgroundFlush(64 * 1024 * 1024);
  const writeAll = async (data: Buffer, pos: number): Promise<void> => {
    const f = fh as fs.FileHandle;
    let done = 0;
    while (done < data.length) done += (await f.write(data, done, data.length - done, pos + done)).bytesWritten;
    flush.wrote(f, data.length);
  };
  return {
    async open(size) {
      const devSize = fileOrDeviceSize(path);
      if (devSize < size) throw new InvalidArgumentError(`${path} holds ${devSize} bytes; the disk needs ${size}.`);
      fh = await fs.open(path, 'r+');
    },
    write: (offset, data) => writeAll(data, offset),
    async zero(offset, length) {
      if (!zeroHoles) return;
      for (let done = 0; done < length; done += ZERO_MIB.length) await writeAll(ZERO_MIB.subarray(0, Math.min(ZERO_MIB.length, length - done)), offset + done);
    },
    async finish() {
      await flush.settle();
      await fh?.sync();
      await fh?.close();
      fh = undefined;
    },
    async abort() {
      await flush.settle().catch(() => undefined);
      await fh?.close().catch(() => undefined);
      fh = undefined;
    },
  };
}

/** A stream in disk order (SSH stdin of dd, an HTTP upload): every byte, zeros included, with backpressure. */
export function streamSink(out: Writable): ExtentSink {
  let pos = 0;
  const put = async (b: Buffer): Promise<void> => {
    if (!out.write(b)) await once(out, 'drain');
  };
  return {
    async open() {},
    async write(offset, data) {
      if (offset !== pos) throw new Error(`stream sink: write at ${offset}, expected ${pos}`);
      await put(Buffer.from(data)); // the stream may hold it after write() returns
      pos += data.length;
    },
    async zero(offset, length) {
      if (offset !== pos) throw new Error(`stream sink: zero at ${offset}, expected ${pos}`);
      for (let done = 0; done < length; done += ZERO_MIB.length) await put(ZERO_MIB.subarray(0, Math.min(ZERO_MIB.length, length - done)));
      pos += length;
    },
    async finish() {
      out.end();
      if (!out.writableFinished) await once(out, 'finish');
    },
    async abort() {
      out.destroy(new Error('restore failed'));
    },
  };
}
