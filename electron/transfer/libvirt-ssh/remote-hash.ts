import { randomBytes } from 'node:crypto';
import type { Range } from '../../engine';
import { DIGEST, type BlockDigests } from './block-diff';
import { QEMU_NBD_ENV, STOP_QEMU_NBD } from './direct-transfer';
import { RemoteCommandError, TransferError } from './errors';
import { qemuNbdArgs, type NbdImage } from './remote-nbd';
import type { HostShell } from './ssh';

/**
 * SHA-256 of a live disk's blocks, computed on the hypervisor: only digests cross the network.
 * qemu-nbd serves the guest-visible bytes (a qcow2 chain, a raw file, an RBD image) on a UNIX
 * socket of the host and python3 (there on every Nova compute host: nova-compute is Python) reads
 * it over NBD and hashes. Nothing is installed; the program is an argument of `python3 -c`.
 */

/**
 * argv: socket, block size; stdin: "offset length" lines (block-aligned ranges, in order);
 * stdout: the 32-byte SHA-256 of every block of those ranges, in order. One thread reads
 * (recv_into releases the GIL) while the other hashes (hashlib releases it for large buffers).
 */
export const HASH_PY = `
import hashlib, queue, socket, struct, sys, threading
path, bs = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
def rx(n):
    b = bytearray(n); m = memoryview(b); got = 0
    while got < n:
        k = s.recv_into(m[got:])
        if not k: raise EOFError('qemu-nbd closed the connection')
        got += k
    return b
h = rx(18)
if bytes(h[:16]) != b'NBDMAGICIHAVEOPT': sys.exit('not an NBD server')
nz = struct.unpack('>H', h[16:18])[0] & 2
s.sendall(struct.pack('>I', 1 | nz) + b'IHAVEOPT' + struct.pack('>II', 1, 0))
rx(10 if nz else 134)
ranges = [tuple(int(x) for x in l.split()) for l in sys.stdin if l.strip()]
step = max(bs, (8 << 20) // bs * bs)
q = queue.Queue(4)
def reader():
    try:
        for off, ln in ranges:
            end = off + ln
            while off < end:
                n = min(step, end - off)
                s.sendall(struct.pack('>IHHQQI', 0x25609513, 0, 0, 1, off, n))
                magic, err = struct.unpack('>II', rx(16)[:8])
                if magic != 0x67446698 or err: raise IOError('NBD read at %d failed (error %d)' % (off, err))
                q.put(rx(n))
                off += n
        q.put(None)
    except BaseException as e:
        q.put(e)
threading.Thread(target=reader, daemon=True).start()
out = sys.stdout.buffer
while True:
    b = q.get()
    if b is None: break
    if isinstance(b, BaseException): raise b
    m = memoryview(b)
    out.write(b''.join(hashlib.sha256(m[i:i + bs]).digest() for i in range(0, len(b), bs)))
out.flush()
s.sendall(struct.pack('>IHHQQI', 0x25609513, 0, 2, 2, 0, 0))
`;

// $1 the python program, $2 socket, $3 block size, $4… qemu-nbd's image arguments. qemu-nbd
// serves one client and ends when it leaves; it is stopped anyway, whatever python did.
const HASH_SH = [
  'py=$1; sock=$2; bs=$3; shift 3',
  `${QEMU_NBD_ENV} qemu-nbd --fork --pid-file="$sock.pid" --socket="$sock" "$@" || { rc=$?; rm -f "$sock" "$sock.pid"; exit $rc; }`,
  'python3 -c "$py" "$sock" "$bs"; rc=$?',
  ...STOP_QEMU_NBD,
  'rm -f "$sock" "$sock.pid"',
  'exit $rc',
].join('\n');

/**
 * Hashes the blocks of `ranges` (block-aligned, ascending) of a disk on the host into `into`;
 * blocks outside them keep what `into` holds (zeros: what unallocated ranges read as).
 * Returns the bytes hashed.
 */
export async function remoteBlockDigests(ssh: HostShell, img: NbdImage, ranges: readonly Range[], into: BlockDigests, signal?: AbortSignal): Promise<number> {
  const bs = into.blockSize;
  const sock = `/tmp/backstack-nbd-${randomBytes(8).toString('hex')}.sock`;
  const proc = await ssh.script(HASH_SH, [HASH_PY, sock, String(bs), ...qemuNbdArgs({ ...img, readOnly: true })], { label: 'block hashing', ...(signal ? { signal } : {}) });
  // Blocks in the order python hashes them: each arriving digest lands on the next one.
  const blocks = (function* () {
    for (const r of ranges) for (let o = r.offset; o < r.offset + r.length; o += bs) yield o / bs;
  })();
  let pending: Buffer = Buffer.alloc(0);
  let hashed = 0;
  let failure: Error | null = null;
  proc.stdout.on('data', (c: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, c]) : c;
    let at = 0;
    for (; at + DIGEST <= pending.length; at += DIGEST) {
      const next = blocks.next();
      if (next.done) {
        failure ??= new TransferError('The hypervisor sent more block digests than asked for.');
        break;
      }
      into.set(next.value, pending.subarray(at, at + DIGEST));
      hashed += into.lengthOf(next.value);
    }
    pending = pending.subarray(at);
  });
  proc.stdin.end(ranges.map((r) => `${r.offset} ${r.length}\n`).join(''));
  await proc.done.catch((e: unknown) => {
    if (e instanceof RemoteCommandError && e.code === 127 && /python3/.test(e.stderr)) {
      throw new TransferError(`${ssh.host} has no python3, which the differential restore runs there to hash its disks (Nova compute hosts have it). Install python3 on the host, or run a full restore instead.`);
    }
    throw e;
  });
  if (failure) throw failure;
  if (!blocks.next().done || pending.length) throw new TransferError('The hypervisor sent fewer block digests than asked for.');
  return hashed;
}
