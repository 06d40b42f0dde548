import type { BackupRef } from '../engine';

/** What copy-out and copy-in share: the copy's own keys besides the repository's files (engine/FORMAT.md), progress, errors, bounded parallelism. */

/** The chunks of a restore point, one relative path per line: a pull needs no key to read it (digests are keyed in encrypted repositories). */
export const chunkListKey = (r: BackupRef): string => `copies/${r.group}/${r.time}.chunks`;

const MANIFEST = /^backups\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z)\/manifest\.(json|bin)$/;

/** The restore points a listing of `backups/` shows (those whose manifest is written), oldest first per group. */
export function committedRefs(keys: Iterable<string>): (BackupRef & { manifest: string })[] {
  const out: (BackupRef & { manifest: string })[] = [];
  for (const k of keys) {
    const m = MANIFEST.exec(k);
    if (m && !m[1]!.includes('..')) out.push({ group: m[1]!, time: m[2]!, manifest: k });
  }
  return out.sort((a, b) => (a.group === b.group ? a.time.localeCompare(b.time) : a.group.localeCompare(b.group)));
}

/** A key a copy may name for a chunk: `chunks/<aa>/<64 hex>`, its folder the digest's first two digits. */
export const isChunkKey = (k: string): boolean => {
  const m = /^chunks\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(k);
  return m !== null && m[2]!.startsWith(m[1]!);
};

export interface CopyProgress {
  restorePoint: string;
  index: number;
  count: number;
  done: number;
  total: number;
  bytes: number;
}

export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

/** Runs `task` over `items`, at most `n` at a time (each holds one object in memory), stopping at the first error. */
export async function pool<T>(items: readonly T[], n: number, signal: AbortSignal | undefined, task: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      await task(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}
