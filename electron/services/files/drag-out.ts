import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors/codes';
import type { FileDragPrepared, FilesDownloadInput } from '../../../shared/domain/files';
import { formatBytes } from '../../../shared/format';
import type { FilesService } from './files.service';

/** What one drag may carry: the files are written before the drag starts, so it must be quick. */
export const DRAG_LIMIT_BYTES = 1024 * 1024 * 1024;
/** prepared selections kept for dragging (a drop copies from them; an older one is removed) */
const KEPT = 4;

/**
 * Drag to restore in the desktop app. The operating system's drag carries paths of files that
 * exist, so the selection is first copied out of the restore point into a folder of our own
 * (each file under a temporary name, renamed into place when complete: filesystems/extract.ts),
 * then main hands those paths to webContents.startDrag and the file manager copies them where
 * they are dropped. Selections above DRAG_LIMIT_BYTES are refused with the way that suits them.
 * The folder is emptied on start (what a killed app left) and on close.
 */
export class DragOut {
  private readonly prepared = new Map<string, string[]>();

  constructor(
    private readonly files: Pick<FilesService, 'extract'>,
    private readonly root: string,
    private readonly limitBytes = DRAG_LIMIT_BYTES,
  ) {
    fs.rmSync(root, { recursive: true, force: true });
  }

  async prepare(i: FilesDownloadInput): Promise<FileDragPrepared> {
    const token = randomBytes(12).toString('hex');
    const dir = path.join(this.root, token);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tooBig = new AbortController();
    let bytes = 0;
    try {
      const r = await this.files.extract(i, {
        out: dir,
        conflict: 'rename',
        signal: tooBig.signal,
        onFile: (_p, size) => {
          bytes += size;
          if (bytes > this.limitBytes) tooBig.abort();
        },
      });
      if (r.bytes > this.limitBytes) tooBig.abort(); // one file alone past the limit: nothing after it to stop
      if (tooBig.signal.aborted) throw new Error('too big');
      const top = fs.readdirSync(dir).map((n) => path.join(dir, n));
      if (!top.length) throw new AppError('resource.notFound', `Nothing of ${i.paths.join(', ')} could be copied out: ${r.skipped.map((s) => `${s.path}: ${s.reason}`).join('; ') || 'the selection is empty'}.`);
      this.prepared.set(token, top);
      for (const old of [...this.prepared.keys()].slice(0, -KEPT)) this.forget(old);
      return { token, items: top.length, bytes: r.bytes, skipped: r.skipped.map((s) => `${s.path}: ${s.reason}`) };
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (tooBig.signal.aborted)
        throw new AppError('validation.invalidInput', `The selection is larger than ${formatBytes(this.limitBytes)}, too much to copy before a drag: use Restore to folder… (a job with progress) instead.`);
      throw e;
    }
  }

  /** The paths a prepared drag carries, or null for a token this app did not hand out. */
  paths(token: string): string[] | null {
    return this.prepared.get(token) ?? null;
  }

  close(): void {
    this.prepared.clear();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private forget(token: string): void {
    this.prepared.delete(token);
    fs.rmSync(path.join(this.root, token), { recursive: true, force: true });
  }
}
