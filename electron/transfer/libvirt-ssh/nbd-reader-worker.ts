import { parentPort, workerData } from 'node:worker_threads';
import { connectDirect } from './direct-transfer';
import { NbdClient } from './nbd';
import { connectForwarded } from './openssh-forward';
import type { NbdReaderSpec, ReaderError, ReaderInit, ReaderReply, ReaderRequest } from './nbd-reader-protocol';
import { SshSession } from './ssh';

/**
 * Thread entry of nbd-reader.ts: one NBD connection (through its own SSH connection, made as soon
 * as the thread starts, or over TLS), reads into the caller's shared buffers.
 */
if (!parentPort) throw new Error('nbd-reader-worker must run in a worker thread');
const port = parentPort;
const init = workerData as ReaderInit;
const post = (m: ReaderReply): void => port.postMessage(m);
const errorOf = (e: unknown): ReaderError => ({ name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) });

const connecting: Promise<SshSession> | null = init.ssh ? SshSession.connect(init.ssh) : null;
connecting?.catch(() => undefined); // reported when the disk is opened
let ssh: SshSession | null = null;
let client: NbdClient | null = null;

async function open(spec: NbdReaderSpec): Promise<NbdClient> {
  if (spec.kind === 'direct') return connectDirect(spec.address, spec.port, spec.key);
  if (spec.kind === 'local') {
    const c = new NbdClient(await connectForwarded(spec.path));
    await c.handshake();
    return c;
  }
  if (!connecting) throw new Error('no SSH connection for the disk reader');
  ssh = await connecting;
  const c = new NbdClient(await ssh.openUnixSocket(spec.socket));
  await c.handshake();
  return c;
}

function end(): void {
  client?.close();
  ssh?.close();
  void connecting?.then((s) => s.close(), () => undefined);
  port.close();
}

port.on('message', (m: ReaderRequest) => {
  if (m.kind === 'close') {
    post({ kind: 'closed' });
    end();
  } else if (m.kind === 'open') {
    open(m.spec).then(
      (c) => {
        client = c;
        post({ kind: 'ready', size: c.size });
      },
      (e: unknown) => {
        post({ kind: 'failed', error: errorOf(e) });
        end();
      },
    );
  } else {
    const bufs = m.bufs.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength));
    (client as NbdClient).readv(m.offset, bufs).then(
      () => post({ kind: 'done', id: m.id }),
      (e: unknown) => post({ kind: 'error', id: m.id, error: errorOf(e) }),
    );
  }
});
