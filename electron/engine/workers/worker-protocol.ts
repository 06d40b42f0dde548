import type { DigestAlgorithm } from '../format/chunk-format';

/**
 * Messages between the worker pool and chunk-worker.ts. Types only: nothing here runs.
 * Big buffers come from the caller's BufferPool and always travel back in the reply
 * (`returned`), so they can be used again.
 */

export interface WorkerInit {
  root: string;
  chunkSize: number;
  level: number;
  digest: DigestAlgorithm;
  /** raw key bytes when the repository is encrypted */
  keys: { enc: Uint8Array; id: Uint8Array } | null;
}

export type WorkerRequest =
  /**
   * hash; a hole if all zero; touch the chunk if it exists (GC protection), else build its file
   * in `out`. With `base`, the `keep` ranges of `data` ([offset, length] in the window) are first
   * filled from that parent chunk, whose untouched frames are reused as they are. With
   * `contiguous`, the whole file is built in `out` even when its payload is `data` unchanged
   * (direct I/O writes one aligned buffer; the copy is made here, off the main thread).
   */
  | { op: 'store'; data: Uint8Array; out: Uint8Array; contiguous?: boolean; base?: { digest: string; keep: [number, number][] } }
  /**
   * read a chunk file, check it and decode it into `out`; `check` re-hashes even when encrypted
   * (verify). Reading here, not in the main thread, saves three thread-pool round trips and a
   * buffer transfer per chunk.
   */
  | { op: 'read'; digest: string; out: Uint8Array; check: boolean }
  /** digest only (tests, tools) */
  | { op: 'digest'; data: Uint8Array };

export type WorkerResult =
  | { kind: 'hole' }
  | { kind: 'exists'; digest: string }
  /** the chunk file is `out`'s first frameLength bytes, or (payloadIsPlain) its header followed by `data` */
  | { kind: 'new'; digest: string; frameLength: number; payloadIsPlain: boolean }
  | { kind: 'plain'; plainLength: number; frameLength: number }
  | { kind: 'digest'; digest: string };

export type WorkerReply =
  | { id: number; ok: true; result: WorkerResult; returned: Uint8Array[] }
  | { id: number; ok: false; error: { name: string; message: string; digest?: string; reason?: string; code?: string }; returned: Uint8Array[] };
