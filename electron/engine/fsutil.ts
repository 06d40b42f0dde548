import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { isErrno, StorageFullError } from './errors';
import { TEMP_INFIX } from './layout';

/** A unique temporary name beside `target`, so the final rename stays within one directory. */
export const tempName = (target: string): string => `${target}${TEMP_INFIX}${randomBytes(6).toString('hex')}`;

/**
 * Writes `data` to `target` atomically: a temporary file, fsync, rename. Readers see the old
 * state or the whole new file, never a part. With `noReplace`, an existing target is kept and
 * false returned: the temporary file is hard-linked into place (atomic, fails if the name
 * exists); filesystems without hard links (FAT, some network shares) fall back to rename.
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | readonly Uint8Array[],
  opts: { fsync?: boolean; repoRoot: string; noReplace?: boolean },
): Promise<boolean> {
  const tmp = tempName(target);
  try {
    const fh = await fs.open(tmp, 'wx');
    try {
      if (data instanceof Uint8Array) await fh.writeFile(data);
      else await fh.writev(data as Uint8Array[]);
      if (opts.fsync !== false) await fh.sync();
    } finally {
      await fh.close();
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

