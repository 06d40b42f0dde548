import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors/codes';
import type { FileDownload, FilesDownloadInput } from '../../../shared/domain/files';
import { DamagedError, localName, showName, type FsNode, type Tree } from '../../filesystems';
import { END, entryHeader, padding } from '../../lib/tar';

/** A download checked and named, waiting for its GET (console mode). */
export interface PreparedDownload extends FileDownload {
  input: FilesDownloadInput;
}

/** The body of a download: its bytes, read lazily from the destination as they are sent. */
export interface DownloadBody {
  name: string;
  kind: 'file' | 'archive';
  size: number | null;
  body: AsyncIterable<Buffer>;
}

/** What an archive leaves out, listed in a text file at its end. */
export const NOTES_NAME = 'BACKSTACK-NOT-INCLUDED.txt';
const PIECE = 1024 * 1024;
const TICKET_MS = 60_000;

/**
 * Checks each path of a selection (it exists; it is not reached through a symlink) and names the
 * download: a file as itself, a folder as NAME.tar, several entries as FOLDER-selection.tar.
 */
export async function planDownload(tree: Tree, paths: string[]): Promise<Omit<FileDownload, 'ticket'>> {
  const found = [];
  for (const p of paths) found.push(await tree.lookup(p));
  const one = found.length === 1 ? found[0]! : null;
  if (one && one.node.type === 'file') return { name: downloadName(one.node.name), kind: 'file', size: one.node.size };
  if (one) {
    if (one.node.type !== 'dir')
      throw new AppError('validation.invalidInput', `${one.path} is a ${one.node.type}: only files and folders can be downloaded.`);
    return { name: `${one.node.name.length === 0 ? 'root' : downloadName(one.node.name)}.tar`, kind: 'archive', size: null };
  }
  const parent = found[0]!.path.slice(0, found[0]!.path.lastIndexOf('/'));
  const parentName = parent.slice(parent.lastIndexOf('/') + 1) || 'root';
  return { name: `${parentName}-selection.tar`, kind: 'archive', size: null };
}

/** The bytes of a prepared download. */
export async function downloadBody(tree: Tree, prepared: PreparedDownload, signal: AbortSignal): Promise<DownloadBody> {
  const { name, kind, size } = prepared;
  if (kind === 'file') {
    const { node, path } = await tree.lookup(prepared.input.paths[0]!);
    return { name, kind, size: node.size, body: fileBytes(tree, node, path, signal) };
  }
  return { name, kind, size, body: archive(tree, prepared.input.paths, signal) };
}

/** A file's bytes in pieces; a damaged file ends the download with the error (the browser says it failed). */
async function* fileBytes(tree: Tree, node: FsNode, path: string, signal: AbortSignal): AsyncGenerator<Buffer> {
  for (let at = 0; at < node.size; at += PIECE) {
    signal.throwIfAborted();
    yield await tree.read(node, path, at, Math.min(PIECE, node.size - at));
  }
}

/**
 * A tar archive of the selected entries, folders recursively, streamed as read. Symlinks are
 * archived as symlinks (never followed); devices, FIFOs, sockets, names a file system cannot
 * hold safely and what is damaged are left out and listed in BACKSTACK-NOT-INCLUDED.txt at the
 * archive's end. A file found damaged after its header went out is completed with zeros and
 * listed there too: the archive stays readable.
 */
export async function* archive(tree: Tree, paths: string[], signal: AbortSignal): AsyncGenerator<Buffer> {
  const notes: string[] = [];
  for (const p of paths) {
    const { node, path } = await tree.lookup(p);
    // the root of a file system is archived as a folder "root"
    const local = node.name.length === 0 ? { name: 'root' } : localName(node.name, 'linux');
    if ('refused' in local) notes.push(`${path}: ${local.refused} cannot be written safely`);
    else yield* entry(tree, node, path, local.name, new Set(), notes, signal);
  }
  if (notes.length) {
    const text = Buffer.from(`Left out of this archive:\n${notes.map((n) => `  ${n}\n`).join('')}`);
    yield entryHeader({ name: NOTES_NAME, type: 'file', size: text.length, mode: 0o644, uid: 0, gid: 0, mtimeMs: Date.now() });
    yield text;
    yield padding(text.length);
  }
  yield END;
}

async function* entry(
  tree: Tree,
  node: FsNode,
  path: string,
  name: string,
  ancestors: Set<number>,
  notes: string[],
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  signal.throwIfAborted();
  const meta = { name, mode: node.mode & 0o7777, uid: node.uid, gid: node.gid, mtimeMs: node.mtimeMs };
  if (node.type === 'dir') {
    if (ancestors.has(node.ref)) return void notes.push(`${path}: the folder contains itself (a damaged file system)`);
    let children: FsNode[];
    try {
      children = await tree.children(node, path);
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      return void notes.push(e.message); // it names the path
    }
    yield entryHeader({ ...meta, type: 'dir', size: 0 });
    const inside = new Set([...ancestors, node.ref]);
    for (const c of children) {
      const childPath = `${path === '/' ? '' : path}/${showName(c.name)}`;
      const local = localName(c.name, 'linux');
      if ('refused' in local) notes.push(`${childPath}: ${local.refused} cannot be written safely`);
      else yield* entry(tree, c, childPath, `${name}/${local.name}`, inside, notes, signal);
    }
  } else if (node.type === 'symlink') {
    let target: Buffer;
    try {
      target = await tree.readlink(node, path);
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      return void notes.push(e.message); // it names the path
    }
    yield entryHeader({ ...meta, type: 'symlink', size: 0, target });
  } else if (node.type === 'file') {
    yield entryHeader({ ...meta, type: 'file', size: node.size });
    let at = 0;
    try {
      for (; at < node.size; at += PIECE) {
        signal.throwIfAborted();
        yield await tree.read(node, path, at, Math.min(PIECE, node.size - at));
      }
    } catch (e) {
      if (!(e instanceof DamagedError)) throw e;
      notes.push(`${e.message} (the bytes from ${at} on are zeros in this archive)`);
      for (; at < node.size; at += PIECE) yield Buffer.alloc(Math.min(PIECE, node.size - at));
    }
    yield padding(node.size);
  } else {
    notes.push(`${path}: a ${node.type === 'unknown' ? 'file of unknown type' : node.type} is not included`);
  }
}

/** A name for the saved file: the entry's own when it is printable, else its shown form with unsafe characters replaced. */
function downloadName(raw: Buffer): string {
  const local = localName(raw, 'linux');
  return 'name' in local ? local.name : showName(raw).replace(/[\\/]/g, '_');
}

/** Prepared downloads by ticket: each used once, forgotten after a minute. */
export class DownloadTickets {
  private readonly waiting = new Map<string, { prepared: PreparedDownload; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  add(input: FilesDownloadInput, plan: Omit<FileDownload, 'ticket'>): FileDownload {
    for (const [k, w] of this.waiting) if (w.expires <= this.now()) this.waiting.delete(k);
    const ticket = randomBytes(18).toString('base64url');
    this.waiting.set(ticket, { prepared: { ...plan, ticket, input }, expires: this.now() + TICKET_MS });
    return { ticket, ...plan };
  }

  take(ticket: string): PreparedDownload {
    const w = this.waiting.get(ticket);
    this.waiting.delete(ticket);
    if (!w || w.expires <= this.now())
      throw new AppError('resource.notFound', 'This download link has expired or was used already: start the download again from the file browser.');
    return w.prepared;
  }
}
