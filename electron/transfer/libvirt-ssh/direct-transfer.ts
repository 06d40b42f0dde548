import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { TransferError } from './errors';
import { NbdClient } from './nbd';

/**
 * Direct transfer (the reference product's "netcat" mode, made safe): qemu-nbd on the
 * hypervisor listens on a TCP port of a configured range and the disk crosses the network
 * without SSH's per-packet work, which halves the CPU a transfer costs on both ends. The
 * session is TLS with a pre-shared key made for this one transfer (qemu's tls-creds-psk):
 * nobody else can connect to the port or read the stream. The key reaches the host on the SSH
 * channel's stdin (never in argv), in a 0600 file removed when the channel closes.
 */

export interface DirectTransfer {
  kind: 'direct';
  /** where the host's qemu-nbd listens and we connect: its address on the backup network */
  address: string;
  /** inclusive port range (default 16000–16999) */
  ports: [number, number];
}
export type NbdTransfer = { kind: 'ssh' } | DirectTransfer;

export const DEFAULT_DIRECT_PORTS: [number, number] = [16000, 16999];
const PSK_IDENTITY = 'backstack';

/**
 * RFC 7919's ffdhe2048 group. Without a dh-params.pem in its credentials folder, qemu-nbd
 * generates fresh 2048-bit DH parameters at every start: 0.15–1.8 s of a hypervisor's CPU
 * before each disk could be read (measured in the lab). TLS 1.3, which both ends negotiate,
 * does not use them at all; TLS 1.2 would use this standard, public group.
 */
const FFDHE2048_PEM = [
  '-----BEGIN DH PARAMETERS-----',
  'MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz',
  '+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a',
  '87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7',
  'YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi',
  '7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD',
  'ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==',
  '-----END DH PARAMETERS-----',
].join('\n');

/**
 * qemu-nbd allocates a buffer for every read request and frees it after the reply. glibc maps
 * big allocations afresh each time (every page then faults and is zeroed: a sixth of qemu-nbd's
 * CPU in the lab); with these thresholds requests under 32 MiB reuse the heap instead.
 */
export const QEMU_NBD_ENV = 'GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';

/**
 * Stops the qemu-nbd whose pid file is "$sock.pid" and waits (up to 2 s) until it is gone, so a
 * restored image is closed (and unlocked) by the time the caller goes on. A zombie counts as gone.
 */
export const STOP_QEMU_NBD = [
  'pid=$(cat "$sock.pid" 2>/dev/null)',
  'if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then',
  '  i=0; while [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null && ! grep -qs "^State:[[:space:]]*Z" "/proc/$pid/status"; do sleep 0.01; i=$((i + 1)); done',
  'fi',
];

/**
 * $1 socket base (our name for this server: pid file, key folder), $2 bind address, $3 $4 the
 * port range, $5… qemu-nbd's image arguments. Reads the hex key on stdin, tries ports from a
 * random start until one binds, says "ready PORT", then lives until stdin ends.
 */
export const SERVE_DIRECT = [
  'sock=$1; addr=$2; lo=$3; hi=$4; shift 4',
  'umask 077',
  'mkdir "$sock.psk" || exit 1',
  'IFS= read -r key || exit 1',
  `printf '%s:%s\\n' ${PSK_IDENTITY} "$key" > "$sock.psk/keys.psk"`,
  `cat > "$sock.psk/dh-params.pem" <<'EOF'\n${FFDHE2048_PEM}\nEOF`,
  'n=$((hi - lo + 1)); i=0; port=',
  'start=$(( $(od -An -N2 -tu2 /dev/urandom) % n ))',
  'while [ $i -lt $n ] && [ $i -lt 64 ]; do',
  '  p=$(( lo + (start + i) % n ))',
  `  if ${QEMU_NBD_ENV} qemu-nbd --fork --pid-file="$sock.pid" --object "tls-creds-psk,id=bsk,endpoint=server,dir=$sock.psk" --tls-creds bsk --bind="$addr" --port="$p" "$@" 2>"$sock.err"; then port=$p; break; fi`,
  '  grep -qi "in use" "$sock.err" || break',
  '  i=$((i + 1))',
  'done',
  'if [ -z "$port" ]; then cat "$sock.err" >&2; rm -rf "$sock.psk" "$sock.err"; exit 3; fi',
  'rm -f "$sock.err"',
  'echo "ready $port"',
  'cat >/dev/null',
  ...STOP_QEMU_NBD,
  'rm -rf "$sock" "$sock.pid" "$sock.psk"',
].join('\n');

export const newTransferKey = (): string => randomBytes(32).toString('hex');

/** Connects to a qemu-nbd started by SERVE_DIRECT and completes the NBD handshake over TLS-PSK. */
export async function connectDirect(address: string, port: number, keyHex: string, signal?: AbortSignal): Promise<NbdClient> {
  signal?.throwIfAborted();
  const sock = net.connect({ host: address, port, noDelay: true });
  const onAbort = (): void => void sock.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', (e) => reject(new TransferError(`Cannot reach the hypervisor's transfer port ${address}:${port} (${e.message}). Open the direct-transfer port range from this workstation, or use SSH transfer.`)));
    });
    const client = new NbdClient(sock);
    const psk = Buffer.from(keyHex, 'hex');
    await client.handshake('', {
      startTls: (raw: Duplex) =>
        new Promise<Duplex>((resolve, reject) => {
          const t = tls.connect({
            socket: raw as net.Socket,
            minVersion: 'TLSv1.2',
            ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:PSK-AES128-GCM-SHA256:PSK-AES256-GCM-SHA384',
            pskCallback: () => ({ psk, identity: PSK_IDENTITY }),
            // The pre-shared key authenticates the server: there is no certificate to check.
            checkServerIdentity: () => undefined,
          });
          t.once('secureConnect', () => resolve(t));
          t.once('error', (e) => reject(new TransferError(`TLS with the hypervisor's qemu-nbd failed: ${e.message}`)));
        }),
    });
    return client;
  } catch (e) {
    sock.destroy();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
