import { parentPort, workerData } from 'node:worker_threads';
import { connectDirect } from './direct-transfer';
import { NbdClient } from './nbd';
import type { NbdReaderSpec, ReaderError, ReaderReply, ReaderRequest } from './nbd-reader-protocol';
import { SshSession } from './ssh';

/**
 * Thread entry of nbd-reader.ts: one NBD connection (its own SSH connection, or TLS), reads into
 * the caller's shared buffers. Kept to the transfer module's own files so it starts fast.
 */
const port = parentPort;
if (!port) throw new Error('nbd-reader-worker must run in a worker thread');
const spec = workerData as NbdReaderSpec;
const post = (m: ReaderReply): void => port.postMessage(m);
const errorOf = (e: unknown): ReaderError => ({ name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) });

let ssh: SshSession | null = null;
let client: NbdClient | null = null;

async function open(): Promise<NbdClient> {
  if (spec.kind === 'direct') return connectDirect(spec.address, spec.port, spec.key);
  ssh = await SshSession.connect(spec.target);
  const c = new NbdClient(await ssh.openUnixSocket(spec.socket));
  await c.handshake();
  return c;
}

port.on('message', (m: ReaderRequest) => {
  if (m.kind === 'close') {
    client?.close();
    ssh?.close();
    post({ kind: 'closed' });
    port.close();
    return;
  }
  const bufs = m.bufs.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  (client as NbdClient).readv(m.offset, bufs).then(
    () => post({ kind: 'done', id: m.id }),
    (e: unknown) => post({ kind: 'error', id: m.id, error: errorOf(e) }),
  );
});

open().then(
  (c) => {
    client = c;
    post({ kind: 'ready', size: c.size });
  },
  (e: unknown) => {
    ssh?.close();
    post({ kind: 'failed', error: errorOf(e) });
    port.close();
  },
);
