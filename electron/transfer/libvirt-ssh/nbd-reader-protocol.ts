import type { SshTarget } from './ssh';

/**
 * Messages between nbd-reader.ts and its thread (nbd-reader-worker.ts). Types only. Buffers
 * are views of SharedArrayBuffers: the thread fills the caller's memory, nothing is copied.
 */

/** The thread's start: with an SSH target it connects at once, while qemu-nbd is being started. */
export interface ReaderInit {
  ssh: SshTarget | null;
}

/** Where to read: qemu-nbd's socket through that SSH connection, forwarded here by OpenSSH, or the TLS port. */
export type NbdReaderSpec = { kind: 'ssh'; socket: string } | { kind: 'local'; path: string } | { kind: 'direct'; address: string; port: number; key: string };

export type ReaderRequest = { kind: 'open'; spec: NbdReaderSpec } | { kind: 'read'; id: number; offset: number; bufs: Uint8Array[] } | { kind: 'close' };

export interface ReaderError {
  name: string;
  message: string;
}

export type ReaderReply =
  | { kind: 'ready'; size: number }
  | { kind: 'failed'; error: ReaderError }
  | { kind: 'done'; id: number }
  | { kind: 'error'; id: number; error: ReaderError }
  | { kind: 'closed' };
