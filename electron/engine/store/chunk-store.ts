import fs from 'node:fs/promises';
import path from 'node:path';
import { isErrno } from '../errors';
import { type DirectImage, directIoAvailable } from '../io/direct-io';
import { fsyncDir, mapFsError, writeFileAtomic } from '../io/fsutil';
import type { Layout } from '../format/layout';

/** A chunk file's bytes: one buffer, pieces to write in order, or an aligned image (direct I/O). */
export type ChunkFile = Uint8Array | readonly Uint8Array[] | DirectImage;
const isImage = (f: ChunkFile): f is DirectImage => 'buf' in f;

/**
 * Digest-named chunk files (FORMAT.md), as the main thread sees them (workers read them
 * directly). Written once through a temporary name, fsync and a hard link; never rewritten,
 * and past the page cache where the filesystem allows it (io/direct-io.ts). Remembers which prefix
 * folders it created files in, so a backup can make those renames durable with one fsync per
 * folder before its manifest is committed.
 */
export class ChunkStore {
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly dirtyDirs = new Set<string>();
  /** cleared for good the first time the repository's filesystem refuses O_DIRECT */
  private readonly direct = { usable: directIoAvailable() };

  constructor(
    private readonly layout: Layout,
    private readonly fsyncChunks = true,
  ) {}

  /**
   * Writes a new chunk file unless it exists. True if this call created it; false if it was
   * there already or another call in this process is writing it (both then share that write).
   */
  async write(digest: string, frame: ChunkFile): Promise<boolean> {
    const inFlight = this.pending.get(digest);
    if (inFlight) {
      await inFlight;
      return false;
    }
    const p = this.doWrite(digest, frame).finally(() => this.pending.delete(digest));
    this.pending.set(digest, p);
    return p;
  }

  /** Whether a chunk file given as a DirectImage is written past the page cache. */
  get directUsable(): boolean {
    return this.direct.usable;
  }

  private async doWrite(digest: string, frame: ChunkFile): Promise<boolean> {
    const target = this.layout.chunk(digest);
    const dir = path.dirname(target);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      throw mapFsError(e, this.layout.root);
    }
    const image = isImage(frame) ? frame : null;
    const created = await writeFileAtomic(target, image ? image.buf.subarray(0, image.length) : (frame as Exclude<ChunkFile, DirectImage>), {
      fsync: this.fsyncChunks,
      repoRoot: this.layout.root,
      noReplace: true,
      ...(image ? { direct: { image, state: this.direct } } : {}),
    });
    if (created) this.dirtyDirs.add(dir);
    else await this.touch(digest); // written meanwhile by someone else: still ours to protect from GC
    return created;
  }

  /** Sets the chunk's mtime to now (GC protection); false if it does not exist. */
  async touch(digest: string, now = new Date()): Promise<boolean> {
    try {
      await fs.utimes(this.layout.chunk(digest), now, now);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw e;
    }
  }

  /** fsyncs every prefix folder that received a chunk since the last call. */
  async syncDirs(): Promise<void> {
    const dirs = [...this.dirtyDirs];
    this.dirtyDirs.clear();
    await Promise.all(dirs.map((d) => fsyncDir(d)));
  }
}
