import { createHash } from 'node:crypto';
import { restoreDisk, type ExtentSink, type Repository } from '../../engine';
import { DiskAttachmentError } from './errors';
import { Bytes, explain, header, start, type ProxyDevice } from './proxy-read';

/**
 * Writing a disk of a restore point into a volume attached to the proxy: the engine restores it
 * in disk order into a sink that frames data and zero runs onto the program's stdin (zero runs
 * cost 12 bytes on the wire); the proxy writes, syncs and, when asked, reads the volume back so
 * its SHA-256 can be compared with the SHA-256 of what was sent.
 */

const ZEROS = Buffer.alloc(1 << 20);
const BLOCK = 64 * 1024;

/** The zero and non-zero runs of a buffer, by 64 KiB blocks (runs stay under 1 GiB: the record's length field). */
function* runs(data: Buffer): Generator<{ at: number; length: number; zero: boolean }> {
  let start = 0;
  let zero: boolean | null = null;
  for (let at = 0; at < data.length; at += BLOCK) {
    const b = data.subarray(at, at + BLOCK);
    const z = b.equals(ZEROS.subarray(0, b.length));
    if (zero !== null && (z !== zero || at - start >= 0x40000000)) {
      yield { at: start, length: at - start, zero };
      start = at;
    }
    zero = z;
  }
  if (zero !== null) yield { at: start, length: data.length - start, zero };
}

export interface ProxyWriteOptions {
  repo: Repository;
  ref: { group: string; time: string };
  disk: string;
  /** read the volume back on the proxy and compare */
  verify: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  onVerifying?: () => void;
}

export async function proxyWrite(d: ProxyDevice, o: ProxyWriteOptions): Promise<{ sha256: string | null; bytes: number }> {
  let diskSize = 0;
  // the size to read back is known only once the engine opens the disk: the program is started then
  let proc: Awaited<ReturnType<typeof start>> | null = null;
  let bytes: Bytes | null = null;
  const hash = createHash('sha256');
  let sent = 0;
  const send = async (b: Buffer): Promise<void> => {
    sent += b.length;
    if (!proc!.stdin.write(b)) await new Promise<void>((r) => proc!.stdin.once('drain', r));
  };
  const record = (offset: number, length: number, zero: boolean): Buffer => {
    const h = Buffer.alloc(12);
    h.writeBigUInt64BE(BigInt(offset), 0);
    h.writeUInt32BE(zero ? (length | 0x80000000) >>> 0 : length, 8);
    return h;
  };
  const sink: ExtentSink = {
    async open(size) {
      diskSize = size;
      proc = await start(d, `write:${o.verify ? size : 0}`, 64 * 1024, o.signal);
      bytes = new Bytes(proc.stdout);
      const deviceSize = await header(bytes, proc);
      if (deviceSize < size) throw new DiskAttachmentError(`The volume on the proxy holds ${deviceSize} bytes, less than the disk's ${size}.`);
    },
    async write(offset, data) {
      hash.update(data);
      // a chunk is written whole: its zero blocks cross as zero records, not as bytes
      for (const run of runs(data)) {
        if (run.zero) await send(record(offset + run.at, run.length, true));
        else {
          await send(record(offset + run.at, run.length, false));
          await send(data.subarray(run.at, run.at + run.length));
        }
      }
      o.onProgress?.(offset + data.length, diskSize);
    },
    async zero(offset, length) {
      for (let left = length; left > 0; left -= ZEROS.length) hash.update(left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left));
      for (let at = 0; at < length; at += 0x40000000) await send(record(offset + at, Math.min(0x40000000, length - at), true));
      o.onProgress?.(offset + length, diskSize);
    },
    async finish() {
      await send(record(0, 0, false).fill(0xff, 0, 8));
      proc!.stdin.end();
      if (o.verify) o.onVerifying?.();
    },
    async abort() {
      proc?.close();
    },
  };
  await restoreDisk(o.repo, { group: o.ref.group, backup: o.ref.time, disk: o.disk, sink, ...(o.signal ? { signal: o.signal } : {}) });
  const done = await bytes!.take(36);
  await proc!.done.catch((e: unknown) => Promise.reject(explain(e)));
  if (!done || done.toString('latin1', 0, 4) !== 'DONE') throw new DiskAttachmentError('The proxy did not confirm the write.');
  const sha256 = hash.digest('hex');
  if (o.verify) {
    const seen = done.subarray(4).toString('hex');
    if (seen !== sha256) throw new DiskAttachmentError(`Disk ${o.disk} reads back from the volume with SHA-256 ${seen}, not the restore point's ${sha256}: the volume is not a faithful copy.`);
  }
  return { sha256: o.verify ? sha256 : null, bytes: sent };
}
