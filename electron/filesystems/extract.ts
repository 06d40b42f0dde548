import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DamagedError } from './errors';
import type { FsNode } from './types';
import { joinPath, localName, showName } from './names';
import type { Tree } from './tree';

export type Conflict = 'overwrite' | 'rename' | 'skip';

export interface ExtractOptions {
  /** the local folder everything goes into; nothing is written outside it */
  out: string;
  /** what to do when a name exists already in `out` */
  conflict: Conflict;
  signal?: AbortSignal;
  onFile?: (path: string, bytes: number) => void;
  platform?: NodeJS.Platform;
}

export interface ExtractReport {
  files: number;
  folders: number;
  symlinks: number;
  bytes: number;
  /** written under another name (conflict "rename") */
  renamed: { path: string; as: string }[];
  /** not written, and why: names that cannot be written safely, devices ("refused"), existing names kept ("exists") */
  skipped: { path: string; reason: string; kind: 'refused' | 'exists' }[];
}

const PIECE = 1024 * 1024;
const ZERO = Buffer.alloc(PIECE);

/**
 * Copies files and folders of a backed-up file system into a local folder: folders recursively,
 * permission bits (not setuid/setgid/sticky, not owners: that needs root) and modification times
 * kept. Each file is written under a temporary name in its target folder and renamed into place
 * when complete, so a cancel or a crash never leaves a partial file under the final name. Names
 * are checked one by one (names.ts: localName) and joined only under `out`; a symlink already in
 * `out` is never followed (what is in the way is replaced, renamed around or skipped).
 */
export async function extract(tree: Tree, paths: string[], opts: ExtractOptions): Promise<ExtractReport> {
  const report: ExtractReport = { files: 0, folders: 0, symlinks: 0, bytes: 0, renamed: [], skipped: [] };
  const out = path.resolve(opts.out);
  await fsp.mkdir(out, { recursive: true });
  const x = new Extractor(tree, out, opts, report);
  for (const p of paths) {
    const { node, path: shown } = await tree.lookup(p);
    // the root of a file system goes into `out` itself
    if (node.name.length === 0) await x.folderContents(node, shown, out, new Set([node.ref]));
    else await x.entry(node, shown, out, new Set());
  }
  return report;
}

class Extractor {
  constructor(
    private readonly tree: Tree,
    private readonly out: string,
    private readonly opts: ExtractOptions,
    private readonly report: ExtractReport,
  ) {}

  async entry(node: FsNode, shown: string, dir: string, ancestors: Set<number>): Promise<void> {
    this.opts.signal?.throwIfAborted();
    const local = localName(node.name, this.opts.platform);
    if ('refused' in local) {
      this.skip(shown, `${local.refused} cannot be written safely`);
      return;
    }
    const target = path.join(dir, local.name);
    if (path.dirname(target) !== dir || !target.startsWith(this.out + path.sep)) {
      this.skip(shown, 'its name would leave the target folder');
      return;
    }
    if (node.type !== 'dir' && node.type !== 'file' && node.type !== 'symlink') {
      this.skip(shown, `a ${node.type === 'unknown' ? 'file of unknown type' : node.type} is not restored`);
      return;
    }
    try {
      if (node.type === 'dir') return await this.folder(node, shown, target, ancestors);
      const final = await this.place(shown, target, false);
      if (final === null) return;
      if (node.type === 'file') await this.file(node, shown, final);
      else await this.symlink(node, shown, final);
    } catch (e) {
      // a damaged file or folder is reported and the rest restored; anything else (the destination unreadable, a full disk) stops
      if (!(e instanceof DamagedError)) throw e;
      this.skip(shown, e.message);
    }
  }

  async folderContents(node: FsNode, shown: string, dir: string, ancestors: Set<number>): Promise<void> {
    for (const c of await this.tree.children(node, shown)) await this.entry(c, joinPath(shown, showName(c.name)), dir, ancestors);
  }

  private async folder(node: FsNode, shown: string, target: string, ancestors: Set<number>): Promise<void> {
    if (ancestors.has(node.ref)) {
      this.skip(shown, 'the folder contains itself (a damaged file system)');
      return;
    }
    const existing = await lstat(target);
    let dir = target;
    if (!existing?.isDirectory()) {
      const final = await this.place(shown, target, true);
      if (final === null) return;
      dir = final;
      await fsp.mkdir(dir, { mode: 0o700 });
    }
    // an existing real folder is merged into: conflicts are decided file by file
    this.report.folders += 1;
    await this.folderContents(node, shown, dir, new Set([...ancestors, node.ref]));
    await fsp.chmod(dir, node.mode & 0o777);
    await fsp.utimes(dir, node.mtimeMs / 1000, node.mtimeMs / 1000);
  }

  /**
   * Where an entry goes, given what is in the way: the target itself (free, or to be replaced),
   * another free name ("rename"), or null (skipped). A folder in the way of a file is never replaced.
   */
  private async place(shown: string, target: string, isFolder: boolean): Promise<string | null> {
    const existing = await lstat(target);
    if (!existing) return target;
    if (this.opts.conflict === 'skip') return this.skip(shown, `${target} exists already`, 'exists');
    if (this.opts.conflict === 'rename') {
      for (let n = 1; n < 1000; n++) {
        const candidate = `${target}.restored${n === 1 ? '' : `-${n}`}`;
        if (!(await lstat(candidate))) {
          this.report.renamed.push({ path: shown, as: candidate });
          return candidate;
        }
      }
      return this.skip(shown, `no free name next to ${target}`);
    }
    if (existing.isDirectory()) return this.skip(shown, `a folder is in the way at ${target}; it is not replaced`);
    // overwrite: a file or link in the way of a folder is removed (never followed); a file is replaced by rename
    if (isFolder) await fsp.unlink(target);
    return target;
  }

  private async file(node: FsNode, shown: string, final: string): Promise<void> {
    const tmp = temporary(final);
    const fh = await fsp.open(tmp, 'wx', 0o600);
    try {
      // only the ranges that hold data are read; holes (and zeros inside data) stay holes: a sparse file stays sparse
      for (const range of await this.tree.dataRanges(node, shown)) {
        for (let at = range.offset; at < range.offset + range.length; at += PIECE) {
          this.opts.signal?.throwIfAborted();
          const piece = await this.tree.read(node, shown, at, Math.min(PIECE, range.offset + range.length - at));
          if (!(piece.length === PIECE ? piece.equals(ZERO) : piece.every((b) => b === 0))) await fh.write(piece, 0, piece.length, at);
        }
      }
      await fh.truncate(node.size);
      await fh.chmod(node.mode & 0o777);
      await fh.utimes(node.mtimeMs / 1000, node.mtimeMs / 1000);
      await fh.sync();
      await fh.close();
      await fsp.rename(tmp, final);
    } catch (e) {
      await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    this.report.files += 1;
    this.report.bytes += node.size;
    this.opts.onFile?.(shown, node.size);
  }

  private async symlink(node: FsNode, shown: string, final: string): Promise<void> {
    const target = await this.tree.readlink(node, shown);
    if (target.includes(0)) {
      this.skip(shown, 'a link target with a NUL byte cannot be written');
      return;
    }
    const tmp = temporary(final);
    try {
      // the target is written as it is and never followed: it points wherever it pointed in the guest
      await fsp.symlink(target, tmp);
      await fsp.lutimes(tmp, node.mtimeMs / 1000, node.mtimeMs / 1000);
      await fsp.rename(tmp, final);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code === 'EPERM') {
        this.skip(shown, 'this system does not let you create symbolic links');
        return;
      }
      throw e;
    }
    this.report.symlinks += 1;
  }

  private skip(path: string, reason: string, kind: 'refused' | 'exists' = 'refused'): null {
    this.report.skipped.push({ path, reason, kind });
    return null;
  }
}

const temporary = (final: string) =>
  path.join(path.dirname(final), `.${path.basename(final).slice(0, 200)}.backstack-${randomBytes(4).toString('hex')}.part`);
const lstat = (p: string) => fsp.lstat(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
