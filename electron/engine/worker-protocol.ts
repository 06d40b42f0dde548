/** Messages between the worker pool and chunk-worker.ts. Types only: nothing here runs. */

export interface WorkerInit {
  root: string;
  chunkSize: number;
  level: number;
  /** raw key bytes when the repository is encrypted */
  keys: { enc: Uint8Array; id: Uint8Array } | null;
}

export type WorkerRequest =
  /** hash; a hole if all zero; touch the chunk if it exists (GC protection), else build its file */
  | { op: 'store'; data: Uint8Array }
  /** decode and check a chunk file, returning the plain content */
  | { op: 'open'; digest: string; frame: Uint8Array }
  /** decode and check a chunk file, returning only its plain length (verify) */
  | { op: 'check'; digest: string; frame: Uint8Array }
  /** digest only (tests, tools) */
  | { op: 'digest'; data: Uint8Array };

export type StoreResult =
  | { kind: 'hole' }
  | { kind: 'exists'; digest: string }
  | { kind: 'new'; digest: string; frame: Uint8Array };

export type WorkerResult = StoreResult | { kind: 'plain'; plain: Uint8Array } | { kind: 'checked'; plainLength: number } | { kind: 'digest'; digest: string };

export type WorkerReply =
  | { id: number; ok: true; result: WorkerResult }
  | { id: number; ok: false; error: { name: string; message: string; digest?: string; reason?: string; code?: string } };
