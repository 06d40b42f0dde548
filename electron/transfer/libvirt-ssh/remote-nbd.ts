import { randomBytes } from 'node:crypto';
import { connectForwarded, forwardUnixSocket, opensshUsable } from './openssh-forward';
import type { Extent, ExtentSink, ExtentSource, Range } from '../../engine';
import type { DiskSource } from './domain-xml';
import { intersectRanges, readPieces } from './allocation';
import { RemoteCommandError, TransferError } from './errors';
import { NBD_MAX_REQUEST, NbdClient } from './nbd';
import type { RemoteProcess, HostShell } from './ssh';
import { connectDirect, newTransferKey, type NbdTransfer, QEMU_NBD_ENV, SERVE_DIRECT, STOP_QEMU_NBD } from './direct-transfer';

/**
 * qemu-nbd on the hypervisor, reached through the SSH connection (direct-streamlocal to its
 * UNIX socket): no port opened, no temporary copy, and the remote process ends with our channel.
 */

// $1 socket, $2… qemu-nbd's arguments. --fork returns once the socket listens. The server then
// lives until our channel closes: `cat` sees EOF (we close it, or sshd does when the connection
// drops) and the server is killed, so a cancelled or lost backup leaves no qemu-nbd behind.
const SERVE = [
  'sock=$1; shift',
  `${QEMU_NBD_ENV} qemu-nbd --fork --pid-file="$sock.pid" --socket="$sock" "$@" || { rc=$?; rm -f "$sock" "$sock.pid"; exit $rc; }`,
  'echo ready',
  'cat >/dev/null',
  ...STOP_QEMU_NBD,
  'rm -f "$sock" "$sock.pid"',
].join('\n');

export interface NbdImage {
  source: DiskSource;
  /** qcow2 | raw */
  format: string;
  readOnly: boolean;
  /** RBD: read this snapshot */
  snapshot?: string;
}

/** qemu-nbd arguments opening an image (a file with its backing chain, or an RBD image/snapshot). */
export function qemuNbdArgs(img: NbdImage): string[] {
  // --image-opts is a comma-separated list: a comma inside a value is written twice
  const opts = (list: string[]): string[] => [...(img.readOnly ? ['--read-only'] : []), '--image-opts', list.map((o) => o.replace(/,/g, ',,')).join(',')];
  const s = img.source;
  // The frozen layer is opened by the running QEMU as a read-only backing file; nothing writes
  // it while we read, so our read-only open does not need QEMU's image lock.
  if (s.kind === 'file' || s.kind === 'block') {
    return opts([`driver=${img.format}`, `file.driver=${s.kind === 'file' ? 'file' : 'host_device'}`, `file.filename=${s.path}`, ...(img.readOnly ? ['file.locking=off'] : [])]);
  }
  if (s.kind === 'rbd') {
    return opts([
      `driver=${img.format}`,
      'file.driver=rbd',
      `file.pool=${s.pool}`,
      `file.image=${s.image}`,
      ...(img.snapshot ? [`file.snapshot=${img.snapshot}`] : []),
      ...(s.user ? [`file.user=${s.user}`] : []),
    ]);
  }
  throw new TransferError(`Disks of type ${s.type} are not supported by the libvirt strategy (files and Ceph RBD are).`);
}

export interface RemoteNbd {
  client: NbdClient;
  /** the server's socket on the host (its pid file is `<socket>.pid`) */
  socket: string;
  close(): Promise<void>;
}

/**
 * Ends a qemu-nbd we started, by the pid it wrote, and removes its socket: for a connection
 * that died without the host noticing yet (sshd only learns of a silent drop much later).
 */
export async function killRemoteNbd(ssh: HostShell, socket: string): Promise<void> {
  if (!/^\/tmp\/backstack-nbd-[0-9a-f]{16}\.sock$/.test(socket)) throw new TransferError(`Not a Backstack NBD socket: ${socket}`);
  await ssh.run(['sh', '-c', 'if [ -f "$1.pid" ]; then kill "$(cat "$1.pid")" 2>/dev/null; fi; rm -rf "$1" "$1.pid" "$1.psk" "$1.err"', 'backstack', socket]);
}

/** A qemu-nbd serving one image on the host until stop(): by a UNIX socket, or a TLS port. */
export interface ServedNbd {
  /** the server's socket on the host (its pid file is `<socket>.pid`) */
  socket: string;
  /** that socket forwarded here by OpenSSH (openssh-forward.ts), when the stream goes that way */
  local: string | null;
  /** direct transfer: where to connect, and the one-time TLS key */
  direct: { address: string; port: number; key: string } | null;
  stop(): Promise<void>;
}

/** Starts qemu-nbd on the host for the image (it serves one client, then ends with our channel). */
export async function serveRemoteNbd(ssh: HostShell, img: NbdImage, signal?: AbortSignal, onSocket?: (socket: string) => void, transfer: NbdTransfer = { kind: 'ssh' }): Promise<ServedNbd> {
  const sock = `/tmp/backstack-nbd-${randomBytes(8).toString('hex')}.sock`;
  onSocket?.(sock);
  const direct = transfer.kind === 'direct' ? transfer : null;
  const key = direct ? newTransferKey() : '';
  const proc: RemoteProcess = direct
    ? await ssh.script(SERVE_DIRECT, [sock, direct.address, String(direct.ports[0]), String(direct.ports[1]), ...qemuNbdArgs(img)], { label: 'qemu-nbd', ...(signal ? { signal } : {}) })
    : await ssh.script(SERVE, [sock, ...qemuNbdArgs(img)], { label: 'qemu-nbd', ...(signal ? { signal } : {}) });
  if (direct) proc.stdin.write(`${key}\n`);
  let closed = false;
  const stop = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    proc.stdin.end();
    await proc.done.catch(() => undefined);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const onData = (c: Buffer): void => {
        out += c.toString('utf8');
        const m = /ready(?: (\d+))?\n/.exec(out);
        if (m) {
          proc.stdout.off('data', onData);
          proc.stdout.resume();
          resolve(Number(m[1] ?? 0));
        }
      };
      proc.stdout.on('data', onData);
      proc.done.then(() => reject(new TransferError('qemu-nbd ended before it served the disk.')), (e: unknown) => {
        const free = direct && e instanceof RemoteCommandError && e.code === 3;
        reject(free ? new TransferError(`No free port in ${direct.ports[0]}–${direct.ports[1]} on ${ssh.host} for the direct transfer (${e.message}).`) : e);
      });
    });
    const forward = !direct && ssh.hostKeyBlob && ssh.sibling && opensshUsable(ssh.sibling, ssh.hostKeyBlob) ? await forwardUnixSocket(ssh.sibling, ssh.hostKeyBlob, sock, signal) : null;
    const stopAll = async (): Promise<void> => {
      await forward?.close();
      await stop();
    };
    return { socket: sock, local: forward?.socket ?? null, direct: direct ? { address: direct.address, port, key } : null, stop: stopAll };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Serves the image with qemu-nbd on the host and connects to it from this thread: through the
 * SSH connection (default), or directly over TLS on a port of the host. (Backups read through
 * a thread of their own: nbd-reader.ts.)
 */
export async function openRemoteNbd(
  ssh: HostShell,
  img: NbdImage,
  signal?: AbortSignal,
  onSocket?: (socket: string) => void,
  transfer: NbdTransfer = { kind: 'ssh' },
): Promise<RemoteNbd> {
  const served = await serveRemoteNbd(ssh, img, signal, onSocket, transfer);
  try {
    let client: NbdClient;
    if (served.direct) client = await connectDirect(served.direct.address, served.direct.port, served.direct.key, signal);
    else if (served.local) {
      client = new NbdClient(await connectForwarded(served.local));
      await client.handshake();
    } else {
      client = new NbdClient(await ssh.openUnixSocket(served.socket));
      await client.handshake();
    }
    return {
      client,
      socket: served.socket,
      close: async () => {
        client.close();
        await served.stop();
      },
    };
  } catch (e) {
    await served.stop();
    throw e;
  }
}

export interface NbdSourceOptions {
  /** ranges that hold data; the rest reads as zeros and is never transferred */
  data: Range[];
  /** bytes per extent handed to the engine (default and at most its chunk size, so buffers are reused) */
  readSize?: number;
  /** bytes per NBD request (default 16 MiB, under QEMU_NBD_ENV's threshold): contiguous extents are fetched together */
  requestSize?: number;
  /** requests in flight (default 4): hides the round trip */
  depth?: number;
  /** counts bytes that crossed the wire */
  onBytes?: (n: number) => void;
}

/** Groups contiguous pieces into requests of at most `max` bytes. */
export function* groupPieces(pieces: Iterable<Range>, max: number): Generator<Range[]> {
  let group: Range[] = [];
  let bytes = 0;
  for (const p of pieces) {
    const last = group[group.length - 1];
    if (last && (last.offset + last.length !== p.offset || bytes + p.length > max)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(p);
    bytes += p.length;
  }
  if (group.length) yield group;
}

/** What nbdExtentSource reads from: an NbdClient, or the reader thread of nbd-reader.ts. */
export interface NbdReadable {
  readv(offset: number, bufs: Buffer[]): Promise<unknown>;
  /** drops the connection: pending reads reject */
  abort(): void;
}

/**
 * An engine source reading a frozen disk over NBD: only allocated ranges, only those the engine
 * wants (an incremental's changed ranges). Not random-access: for an incremental the engine must
 * not widen small changes to whole chunks, since every byte read crosses the network. Large
 * scatter requests (one NBD read filling several chunk buffers) keep the SSH path busy.
 */
export function nbdExtentSource(client: NbdReadable, size: number, o: NbdSourceOptions): ExtentSource {
  const depth = Math.max(1, o.depth ?? 4);
  return {
    size,
    randomAccess: false,
    async *extents(wanted, hint) {
      const ranges = wanted ? intersectRanges(wanted, o.data) : o.data;
      const piece = Math.min(o.readSize ?? hint.chunkSize, hint.chunkSize, NBD_MAX_REQUEST);
      const groups = groupPieces(readPieces(ranges, hint.chunkSize, piece), Math.max(piece, Math.min(o.requestSize ?? 16 * 1024 * 1024, NBD_MAX_REQUEST)));
      const inflight: Promise<Extent[]>[] = [];
      const start = (g: Range[]): Promise<Extent[]> => {
        // shared memory throughout, so a reader thread fills these very buffers
        const bufs = g.map((p) => (p.length === hint.chunkSize && hint.alloc ? hint.alloc().subarray(0, p.length) : Buffer.from(new SharedArrayBuffer(p.length))));
        const r = client.readv(g[0]!.offset, bufs).then(() => {
          o.onBytes?.(bufs.reduce((n, b) => n + b.length, 0));
          return g.map((p, i) => ({ offset: p.offset, length: p.length, data: bufs[i]! }));
        });
        r.catch(() => undefined); // observed in order below
        return r;
      };
      try {
        let next = groups.next();
        const refill = (): void => {
          while (inflight.length < depth && !next.done) {
            inflight.push(start(next.value));
            next = groups.next();
          }
        };
        refill();
        while (inflight.length > 0) {
          hint.signal?.throwIfAborted();
          const ready = await (inflight.shift() as Promise<Extent[]>);
          // Ask for more before handing these out: the wire stays busy while the engine works.
          refill();
          for (const e of ready) yield e;
        }
      } finally {
        // Left early (cancel, a failure downstream): reads still in flight would never be
        // consumed; drop the connection so they settle now.
        if (inflight.length) client.abort();
        await Promise.allSettled(inflight);
      }
    },
  };
}

/**
 * An engine restore sink writing into an NBD export: data as WRITE, holes as WRITE_ZEROES (so a
 * qcow2 over a backing file, or a reused volume, reads zeros there and stores nothing).
 */
export function nbdSink(client: NbdClient, o: { depth?: number; onBytes?: (n: number) => void } = {}): ExtentSink {
  const depth = Math.max(1, o.depth ?? 4);
  const inflight: Promise<void>[] = [];
  const push = async (p: Promise<void>): Promise<void> => {
    p.catch(() => undefined);
    inflight.push(p);
    if (inflight.length >= depth) await inflight.shift();
  };
  return {
    async open(size) {
      if (client.size < size) throw new TransferError(`The target disk holds ${client.size} bytes; the backup needs ${size}.`);
    },
    async write(offset, data) {
      // The engine reuses `data` once write() resolves: keep a copy for the pipelined request.
      const copy = Buffer.from(data);
      await push(client.write(offset, copy).then(() => o.onBytes?.(copy.length)));
    },
    async zero(offset, length) {
      await push(client.writeZeroes(offset, length));
    },
    async finish() {
      while (inflight.length) await inflight.shift();
      await client.flush();
    },
    async abort() {
      await Promise.allSettled(inflight.splice(0));
    },
  };
}
