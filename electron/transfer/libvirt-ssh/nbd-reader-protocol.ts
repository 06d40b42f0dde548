import type { SshTarget } from './ssh';

/**
 * Messages between nbd-reader.ts and its thread (nbd-reader-worker.ts). Types only. Buffers
 * are views of SharedArrayBuffers: the thread fills the caller's memory, nothing is copied.
 */

/** Where the thread connects: qemu-nbd's socket through its own SSH connection, or the TLS port. */
export type NbdReaderSpec = { kind: 'ssh'; target: SshTarget; socket: string } | { kind: 'direct'; address: string; port: number; key: string };

export type ReaderRequest = { kind: 'read'; id: number; offset: number; bufs: Uint8Array[] } | { kind: 'close' };

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
