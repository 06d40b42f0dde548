import type { Extent, ExtentSource, Range } from '../../engine';
import { BlockDigests, DIGEST, RemoteCommandError, type HostShell, type RemoteProcess } from '../libvirt-ssh';
import { DiskAttachmentError } from './errors';

/**
 * Reading an attached volume on the proxy VM. python3 (on every cloud image a proxy is made
 * from) finds the device by the volume's serial, hashes its blocks and sends the bytes asked for:
 * only digests and changed blocks cross the network. Nothing is installed; the program is an
 * argument of `python3 -c`, and it imports only what python3-minimal has (no queue module).
 *
 * argv: mode (digests | data | write:N), serial, block size, [sys root, dev root, seconds to wait
 * for the device] (tests point the roots at files).
 * stdout: "BKSP" + u64 device size, then
 *   digests: the SHA-256 of every block;
 *   data (stdin: "offset length" lines, block-aligned and ascending; none: the whole device):
 *     records (u64 offset, u32 length; bit 31 of length: a run of zeros, no bytes follow) and the
 *     run's bytes, an end record (offset 2^64-1), then the SHA-256 of every block of the ranges;
 *   write:N (stdin: records as data sends them, then the end record): writes them (zero runs by
 *     BLKZEROOUT where the device has it), syncs, and sends "DONE" + the SHA-256 of the first N
 *     bytes read back from the device (N = 0: no read-back, 32 zero bytes).
 */
export const PROXY_PY = `
import hashlib, os, struct, sys, threading, time
mode, serial, bs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sysroot = sys.argv[4] if len(sys.argv) > 4 else '/sys/block'
devroot = sys.argv[5] if len(sys.argv) > 5 else '/dev'
patience = float(sys.argv[6]) if len(sys.argv) > 6 else 180
want = serial[:20]
def find():
    hits = []
    for n in sorted(os.listdir(sysroot)):
        for f in ('serial', 'device/serial'):
            try:
                with open(os.path.join(sysroot, n, f)) as fh: s = fh.read().strip()
            except OSError: continue
            if s and (s == serial or s[:20] == want): hits.append(n)
            break
    byid = '/dev/disk/by-id'
    if not hits and devroot == '/dev' and os.path.isdir(byid):
        for e in sorted(os.listdir(byid)):
            if want in e and '-part' not in e: hits.append(os.path.basename(os.path.realpath(os.path.join(byid, e))))
    return sorted(set(hits))
deadline = time.time() + patience
while True:
    hits = find()
    if len(hits) > 1: sys.exit('several devices carry the serial %s: %s' % (want, ' '.join(hits)))
    if hits: break
    if time.time() > deadline: sys.exit('no device with the serial %s appeared in %d s' % (want, patience))
    time.sleep(0.5)
name = hits[0]
with open(os.path.join(sysroot, name, 'size')) as fh: size = int(fh.read().strip()) * 512
out = sys.stdout.buffer
out.write(b'BKSP' + struct.pack('>Q', size)); out.flush()
if mode.startswith('write:'):
    import fcntl
    check = int(mode[6:])
    fd = os.open(os.path.join(devroot, name), os.O_RDWR)
    inp = sys.stdin.buffer
    def exact(n):
        b = bytearray(n); m = memoryview(b); got = 0
        while got < n:
            k = inp.readinto(m[got:])
            if not k: sys.exit('the input ended before the end record')
            got += k
        return b
    zero = bytes(1 << 20)
    def zeroout(off, n):
        try:
            fcntl.ioctl(fd, 0x127f, struct.pack('QQ', off, n)); return  # BLKZEROOUT: no bytes to send or write
        except OSError: pass
        end = off + n
        while off < end:
            k = min(len(zero), end - off); os.pwrite(fd, zero[:k], off); off += k
    while True:
        off, raw = struct.unpack('>QI', exact(12))
        if off == 0xFFFFFFFFFFFFFFFF: break
        n = raw & 0x7fffffff
        if off + n > size: sys.exit('a record beyond the end of the device')
        if raw & 0x80000000: zeroout(off, n); continue
        m = memoryview(exact(n)); done = 0
        while done < n: done += os.pwrite(fd, m[done:], off + done)
    os.fsync(fd)
    h = hashlib.sha256()
    if check:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)  # read back from the device, not the page cache
        at = 0
        while at < check:
            b = os.pread(fd, min(8 << 20, check - at), at)
            if not b: sys.exit('the device ended at %d' % at)
            h.update(b); at += len(b)
    os.close(fd)
    out.write(b'DONE' + h.digest()); out.flush(); sys.exit(0)
if mode == 'digests': ranges = [(0, size)]
else:
    ranges = [tuple(int(x) for x in l.split()) for l in sys.stdin if l.strip()] or [(0, size)]
dev = open(os.path.join(devroot, name), 'rb', buffering=0)
step = max(bs, (8 << 20) // bs * bs)
# a bounded hand-off (python3-minimal has no queue module): 4 pieces in flight
items, free, ready = [], threading.Semaphore(4), threading.Semaphore(0)
def put(x):
    free.acquire(); items.append(x); ready.release()
def get():
    ready.acquire(); x = items.pop(0); free.release(); return x
def reader():
    try:
        for off, ln in ranges:
            end = min(off + ln, size)
            while off < end:
                n = min(step, end - off)
                b = bytearray(n); m = memoryview(b); got = 0
                while got < n:
                    k = os.preadv(dev.fileno(), [m[got:]], off + got)
                    if not k: raise IOError('the device ended at %d' % (off + got))
                    got += k
                put((off, b)); off += n
        put(None)
    except BaseException as e:
        put(e)
threading.Thread(target=reader, daemon=True).start()
zero = bytes(bs); zd = hashlib.sha256(zero).digest()
digests = []
while True:
    it = get()
    if it is None: break
    if isinstance(it, BaseException): raise it
    off, b = it; m = memoryview(b)
    run_at, run_zero = None, False
    for i in range(0, len(b), bs):
        blk = m[i:i + bs]
        z = len(blk) == bs and blk == zero
        digests.append(zd if z else hashlib.sha256(blk).digest())
        if mode == 'digests': continue
        if run_at is not None and z != run_zero:
            n = i - run_at
            out.write(struct.pack('>QI', off + run_at, n | (0x80000000 if run_zero else 0)))
            if not run_zero: out.write(m[run_at:i])
            run_at = None
        if run_at is None: run_at, run_zero = i, z
    if mode == 'data' and run_at is not None:
        n = len(b) - run_at
        out.write(struct.pack('>QI', off + run_at, n | (0x80000000 if run_zero else 0)))
        if not run_zero: out.write(m[run_at:])
    if mode == 'digests': out.write(b''.join(digests)); digests = []
if mode == 'data': out.write(struct.pack('>QI', 0xFFFFFFFFFFFFFFFF, 0)); out.write(b''.join(digests))
out.flush()
`;

export interface ProxyDevice {
  /** the proxy's command runner, as the libvirt strategy's hypervisor one */
  shell: HostShell;
  /** the volume's id: virtio shows its first 20 characters as the device's serial */
  serial: string;
  /** run as root through sudo -n (the proxy's user is not root) */
  sudo?: boolean;
  /** tests: where the program looks for block devices instead of /sys/block and /dev */
  roots?: { sys: string; dev: string; waitSeconds: number };
}

function argv(d: ProxyDevice, mode: string, blockSize: number): string[] {
  const args = ['python3', '-c', PROXY_PY, mode, d.serial, String(blockSize), ...(d.roots ? [d.roots.sys, d.roots.dev, String(d.roots.waitSeconds)] : [])];
  return d.sudo ? ['sudo', '-n', ...args] : args;
}

export async function start(d: ProxyDevice, mode: string, blockSize: number, signal?: AbortSignal): Promise<RemoteProcess> {
  // exec through `sh -c '"$@"'`: HostShell runs scripts with quoted arguments, never a built string
  return d.shell.script('exec "$@"', argv(d, mode, blockSize), { label: 'the proxy read', ...(signal ? { signal } : {}) });
}

/** Pulls exact byte counts out of a stream. */
export class Bytes {
  private pending: Buffer[] = [];
  private have = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (c: Buffer) => {
      this.pending.push(c);
      this.have += c.length;
      this.wake?.();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    stream.on('error', (e: Error) => {
      this.failure = e;
      this.wake?.();
    });
  }

  async take(n: number): Promise<Buffer | null> {
    while (this.have < n) {
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length ? [rest] : [];
    this.have = rest.length;
    return out;
  }
}

export async function header(b: Bytes, p: RemoteProcess): Promise<number> {
  const h = await b.take(12);
  if (!h || h.toString('latin1', 0, 4) !== 'BKSP') {
    await p.done.catch((e: unknown) => Promise.reject(explain(e)));
    throw new DiskAttachmentError('The proxy sent no disk header: its python3 program did not start.');
  }
  return Number(h.readBigUInt64BE(4));
}

/** A proxy failure in words: python3 missing is the one a user fixes on the proxy. */
export function explain(e: unknown): unknown {
  if (e instanceof RemoteCommandError) {
    if (e.code === 127) return new DiskAttachmentError('The proxy VM has no python3 (or sudo): the disk-attachment strategy runs python3 there to read attached volumes. Install python3 on the proxy.');
    return new DiskAttachmentError(`Reading the volume on the proxy failed: ${e.stderr.trim() || `exit ${e.code}`}`);
  }
  return e;
}

/** The digests of every block of the attached volume, hashed on the proxy (its size with them). */
export async function proxyDigests(d: ProxyDevice, blockSize: number, signal?: AbortSignal): Promise<BlockDigests> {
  const p = await start(d, 'digests', blockSize, signal);
  p.stdin.end();
  const b = new Bytes(p.stdout);
  const size = await header(b, p);
  const out = new BlockDigests(size, blockSize);
  const all = await b.take(out.count * DIGEST);
  await p.done.catch((e: unknown) => Promise.reject(explain(e)));
  if (!all) throw new DiskAttachmentError('The proxy sent fewer block digests than the volume has blocks.');
  all.copy(out.digests);
  return out;
}

export interface ProxyRead {
  /** the volume as the engine reads it: a stream of extents of `ranges` (or all of it) */
  source: ExtentSource;
  /** after the source is drained: the digests of the blocks read (others stay zero-digest) */
  digests(): Promise<BlockDigests>;
  /** bytes that crossed the network (headers, data, digests) */
  readonly transferred: number;
}

/** Opens a read of `ranges` (block-aligned, ascending; null: the whole volume) on the proxy. */
export async function proxyRead(d: ProxyDevice, blockSize: number, ranges: readonly Range[] | null, signal?: AbortSignal): Promise<ProxyRead> {
  const p = await start(d, 'data', blockSize, signal);
  p.stdin.end(ranges ? ranges.map((r) => `${r.offset} ${r.length}\n`).join('') : '');
  const b = new Bytes(p.stdout);
  let transferred = 12;
  const size = await header(b, p);
  const digests = new BlockDigests(size, blockSize);
  let drained = false;
  const source: ExtentSource = {
    size,
    async *extents(): AsyncIterable<Extent> {
      for (;;) {
        const h = await b.take(12);
        if (!h) throw await p.done.then(() => new DiskAttachmentError('The proxy stopped before the end of the volume.'), explain);
        transferred += 12;
        if (h.readBigUInt64BE(0) === 0xffffffffffffffffn) break;
        const offset = Number(h.readBigUInt64BE(0));
        const raw = h.readUInt32BE(8);
        const length = raw & 0x7fffffff;
        if (offset + length > size) throw new DiskAttachmentError('The proxy sent bytes beyond the end of the volume.');
        if (raw & 0x80000000) {
          yield { offset, length };
          continue;
        }
        const data = await b.take(length);
        if (!data) throw await p.done.then(() => new DiskAttachmentError('The proxy stopped in the middle of a block.'), explain);
        transferred += length;
        yield { offset, length, data: Buffer.from(data) };
      }
      drained = true;
    },
    async close() {
      if (!drained) p.close();
    },
  };
  return {
    source,
    get transferred() {
      return transferred;
    },
    async digests() {
      const blocks = ranges ? ranges.reduce((n, r) => n + Math.ceil(Math.min(r.length, size - r.offset) / blockSize), 0) : digests.count;
      const all = await b.take(blocks * DIGEST);
      await p.done.catch((e: unknown) => Promise.reject(explain(e)));
      if (!all) throw new DiskAttachmentError('The proxy sent fewer block digests than blocks read.');
      transferred += all.length;
      let at = 0;
      for (const r of ranges ?? [{ offset: 0, length: size }]) {
        for (let o = r.offset; o < Math.min(r.offset + r.length, size); o += blockSize, at += DIGEST) digests.set(o / blockSize, all.subarray(at, at + DIGEST));
      }
      return digests;
    },
  };
}
