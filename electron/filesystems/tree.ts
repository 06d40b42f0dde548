import { DamagedError, notFound, refused } from './errors';
import type { FileSystem, FsNode, NodeType } from './types';
import { joinPath, showName, splitPath } from './names';

/** An entry as the contract and the CLI show it: names in shown form (names.ts). */
export interface EntryView {
  name: string;
  path: string;
  type: NodeType;
  size: number;
  mtime: string;
  mode: number;
  uid: number;
  gid: number;
  /** a symlink's target, shown and never followed */
  target: string | null;
}

/** A symlink target in shown form: its `/` stay separators, each component is shown like a name. */
export const showTarget = (raw: Buffer): string => splitBytes(raw, 0x2f).map(showName).join('/');

/**
 * Paths over a file system. Lookups never follow symlinks: a link in the middle of a path is
 * refused with its target, so nothing a guest wrote can lead a lookup outside its file system.
 * A damaged structure is reported with the path it was met at.
 */
export class Tree {
  constructor(readonly fs: FileSystem) {}

  async lookup(path: string): Promise<{ node: FsNode; path: string }> {
    let node = await this.at('/', () => this.fs.root());
    let shown = '/';
    for (const part of splitPath(path)) {
      if (node.type === 'symlink') {
        const target = await this.at(shown, () => this.fs.readlink(node));
        throw refused(`${shown} is a symbolic link to ${showTarget(target)}; links are not followed: give the path of what it points to.`);
      }
      if (node.type !== 'dir') throw refused(`${shown} is not a folder.`);
      const children = await this.at(shown, () => this.fs.list(node));
      const next = children.find((c) => c.name.equals(part));
      const nextPath = joinPath(shown, showName(part));
      if (!next) throw notFound(`${nextPath} does not exist in this restore point.`);
      node = next;
      shown = nextPath;
    }
    return { node, path: shown };
  }

  /** The entries of a folder (or the one entry a file path names). */
  async list(path: string): Promise<{ path: string; entries: EntryView[] }> {
    const { node, path: shown } = await this.lookup(path);
    if (node.type !== 'dir') return { path: shown, entries: [await this.view(node, parentOf(shown))] };
    const children = await this.at(shown, () => this.fs.list(node));
    const entries: EntryView[] = [];
    for (const c of children) entries.push(await this.view(c, shown));
    return { path: shown, entries };
  }

  async children(node: FsNode, path: string): Promise<FsNode[]> {
    return this.at(path, () => this.fs.list(node));
  }

  async read(node: FsNode, path: string, offset: number, length: number): Promise<Buffer> {
    return this.at(path, () => this.fs.read(node, offset, length));
  }

  async dataRanges(node: FsNode, path: string): Promise<{ offset: number; length: number }[]> {
    return this.at(path, () => this.fs.dataRanges(node));
  }

  async readlink(node: FsNode, path: string): Promise<Buffer> {
    return this.at(path, () => this.fs.readlink(node));
  }

  async view(n: FsNode, parent: string): Promise<EntryView> {
    const path = n.name.length === 0 ? '/' : joinPath(parent, showName(n.name));
    return {
      name: showName(n.name),
      path,
      type: n.type,
      size: n.size,
      mtime: isoOf(n.mtimeMs),
      mode: n.mode & 0o7777,
      uid: n.uid,
      gid: n.gid,
      target: n.type === 'symlink' ? showTarget(await this.readlink(n, path)) : null,
    };
  }

  private async at<T>(path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof DamagedError ? e.at(path) : e;
    }
  }
}

const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
/** A time as ISO text; a crafted one outside what Date holds shows as the epoch rather than throwing. */
const isoOf = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(Math.floor(ms)).toISOString() : new Date(0).toISOString());

function splitBytes(b: Buffer, sep: number): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === sep) {
      out.push(b.subarray(from, i));
      from = i + 1;
    }
  }
  return out;
}
