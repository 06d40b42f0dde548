import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { isErrno, StorageFullError } from '../errors';
import { TEMP_INFIX } from '../format/layout';
import { type DirectImage, writeNewFileDirect } from './direct-io';

/** A unique temporary name beside `target`, so the final rename stays within one directory. */
export const tempName = (target: string): string => `${target}${TEMP_INFIX}${randomBytes(6).toString('hex')}`;

/**
 * Writes `data` to `target` atomically: a temporary file, fsync, rename. Readers see the old
 * state or the whole new file, never a part. With `noReplace`, an existing target is kept and
 * false returned: the temporary file is hard-linked into place (atomic, fails if the name
 * exists); filesystems without hard links (FAT, some network shares) fall back to rename.
 * With `direct` (its state still `usable`), the file is written from that image past the page
 * cache (direct-io.ts); a filesystem that refuses clears `usable`, and this and later writes go
 * through the cache.
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | readonly Uint8Array[],
  opts: { fsync?: boolean; repoRoot: string; noReplace?: boolean; direct?: { image: DirectImage; state: { usable: boolean } } },
): Promise<boolean> {
  const tmp = tempName(target);
  const pieces = data instanceof Uint8Array ? [data] : data;
  try {
    const written = opts.direct?.state.usable ? await writeNewFileDirect(tmp, opts.direct.image, opts.fsync !== false) : false;
    if (opts.direct && !written) opts.direct.state.usable = false;
    if (!written) {
      const fh = await fs.open(tmp, 'wx');
      try {
        await fh.writev(pieces as Uint8Array[]);
        if (opts.fsync !== false) await fh.sync();
      } finally {
        await fh.close();
      }
    }
    if (opts.noReplace) return await linkIntoPlace(tmp, target);
    await fs.rename(tmp, target);
    return true;
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw mapFsError(e, opts.repoRoot);
  }
}

async function linkIntoPlace(tmp: string, target: string): Promise<boolean> {
  try {
    await fs.link(tmp, target);
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    if (!isErrno(e, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK')) throw e;
    if (await exists(target)) return false;
    await fs.rename(tmp, target);
    return true;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Makes renames and creations inside `dir` durable. Windows cannot open directories: skip there. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** ENOSPC and EDQUOT become StorageFullError naming the repository; other errors pass through. */
export function mapFsError(e: unknown, repoRoot: string): unknown {
  if (isErrno(e, 'ENOSPC', 'EDQUOT')) return new StorageFullError(repoRoot, e);
  return e;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return false;
    throw e;
  }
}

export async function readJsonFile<T>(p: string): Promise<T> {
  return JSON.parse(await fs.readFile(p, 'utf8')) as T;
}

/** Lists a directory, empty if it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
}

export async function mkdirp(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
}

