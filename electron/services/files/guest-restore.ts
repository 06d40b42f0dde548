import { randomBytes } from 'node:crypto';
import path from 'node:path/posix';
import { AppError } from '../../../shared/errors/app-error';
import { DamagedError, localName, showName, type FsNode, type Tree } from '../../filesystems';
import { MAX_WRITE_CHUNK, type GuestAgent } from '../../transfer/libvirt-ssh';

export interface GuestRestoreOptions {
  /** the folder of the guest the selection goes into; null: each entry back where it was */
  guestPath: string | null;
  /** replace what is in the way instead of keeping it as NAME.orig */
  overwrite: boolean;
  signal: AbortSignal;
  /** raw bytes per guest-file-write (tests use small ones) */
  chunkBytes?: number;
  onBytes?: (bytesDone: number) => void;
}

export interface GuestRestoreReport {
  files: number;
  folders: number;
  symlinks: number;
  bytes: number;
  /** what was in the way, kept under another name */
  kept: { path: string; as: string }[];
  /** not written, and why */
  skipped: { path: string; reason: string }[];
  /** written, but its mode, owner or time not applied (the guest's tools refused), and why */
  metadata: { path: string; reason: string }[];
}

/** What the restore needs the guest agent to allow. */
export const NEEDED_COMMANDS = ['guest-file-open', 'guest-file-write', 'guest-file-close', 'guest-exec', 'guest-exec-status'];

/** What the selection holds: its file bytes, for progress. */
export async function selectionBytes(tree: Tree, paths: string[]): Promise<number> {
  let total = 0;
  const walk = async (node: FsNode, shown: string, depth: number): Promise<void> => {
    // what will not be written (a name refused) does not count
    if (depth > 0 && 'refused' in localName(node.name, 'linux')) return;
    if (node.type === 'file') total += node.size;
    if (node.type !== 'dir' || depth > 64) return;
    for (const c of await tree.children(node, shown)) await walk(c, path.join(shown, showName(c.name)), depth + 1);
  };
  for (const p of paths) {
    const { node, path: shown } = await tree.lookup(p);
    await walk(node, shown, 0);
  }
  return total;
}

/** An absolute guest folder, normalised; `.`/`..` and NUL refused (nothing may climb out of what the admin chose). */
export function guestFolder(p: string): string {
  if (!p.startsWith('/')) throw new AppError('validation.invalidInput', `"${p}" is not an absolute path in the guest: give the whole path of the folder, from /.`);
  if (p.includes('\0')) throw new AppError('validation.invalidInput', 'A guest path cannot contain a NUL byte.');
  if (p.split('/').some((c) => c === '.' || c === '..')) throw new AppError('validation.invalidInput', `"${p}": give the guest folder without "." or "..".`);
  return path.normalize(p).replace(/(.)\/$/, '$1');
}

/**
 * Writes files and folders of a backed-up file system into a running guest through its QEMU
 * guest agent: folders with `mkdir -p`, each file written through guest-file-open/write under a
 * temporary name in its target folder and moved into place (`mv`) when complete, so a cancel or
 * a failure leaves no partial file under the final name (the temporary is removed). What is in the
 * way is kept as NAME.orig (then NAME.orig-2 …) unless `overwrite`; a folder in the way of a file
 * is never replaced. Owner, mode and time are set with chown/chmod/touch; where the guest refuses,
 * the report says so. Only folders Backstack created get the backed-up mode and time.
 */
export async function restoreIntoGuest(tree: Tree, paths: string[], agent: GuestAgent, opts: GuestRestoreOptions): Promise<GuestRestoreReport> {
  const enabled = await agent.enabledCommands(opts.signal);
  const missing = NEEDED_COMMANDS.filter((c) => !enabled.has(c));
  if (missing.length) {
    throw new AppError(
      'unsupported',
      `The guest agent of ${agent.label} does not allow ${missing.join(', ')}: restoring into the instance needs them (guest-exec creates folders and moves each file into place once complete). Allow them in the guest (block-rpcs in /etc/qemu/qemu-ga.conf, or qemu-ga's --block-rpcs/--blacklist), restart qemu-ga, then try again; or restore to a folder instead.`,
      { details: { missing } },
    );
  }
  const base = opts.guestPath === null ? null : guestFolder(opts.guestPath);
  const w = new GuestWriter(tree, agent, opts);
  for (const p of paths) {
    const { node, path: shown } = await tree.lookup(p);
    if (node.name.length === 0) {
      // the root of a file system: its contents go into the folder chosen, never over the guest's own /
      if (base === null || base === '/') throw new AppError('validation.invalidInput', "Give a guest folder other than / to restore a whole file system into: writing it over the running guest's / is refused.");
      await w.mkdirs(base);
      for (const c of await tree.children(node, shown)) await w.entry(c, path.join(shown, showName(c.name)), base, new Set([node.ref]), false);
      continue;
    }
    const dir = base ?? path.dirname(shown);
    // shown form writes a byte that is not printable UTF-8 as \xNN (a backslash doubled): such a folder has no guest path to name
    if (base === null && dir.includes('\\'))
      throw new AppError('validation.invalidInput', `${path.dirname(shown)} has a name that is not printable UTF-8: choose a guest folder to restore ${shown} into.`);
    await w.mkdirs(dir);
    await w.entry(node, shown, dir, new Set(), false);
  }
  return w.report;
}

type GuestKind = 'none' | 'dir' | 'file' | 'symlink' | 'other';

class GuestWriter {
  readonly report: GuestRestoreReport = { files: 0, folders: 0, symlinks: 0, bytes: 0, kept: [], skipped: [], metadata: [] };
  private done = 0;
  private readonly made = new Set<string>();

  constructor(
    private readonly tree: Tree,
    private readonly agent: GuestAgent,
    private readonly opts: GuestRestoreOptions,
  ) {}

  /** `fresh`: `dir` was created by this restore, so nothing is in the way in it (no need to look). */
  async entry(node: FsNode, shown: string, dir: string, ancestors: Set<number>, fresh: boolean): Promise<void> {
    this.opts.signal.throwIfAborted();
    const local = localName(node.name, 'linux');
    if ('refused' in local) return this.skip(shown, `${local.refused} cannot be written safely`);
    const target = path.join(dir, local.name);
    if (path.dirname(target) !== dir) return this.skip(shown, 'its name would leave the folder chosen');
    if (node.type !== 'dir' && node.type !== 'file' && node.type !== 'symlink') return this.skip(shown, `a ${node.type === 'unknown' ? 'file of unknown type' : node.type} is not restored`);
    try {
      if (node.type === 'dir') return await this.folder(node, shown, target, ancestors, fresh);
      const kind = fresh ? 'none' : await this.kindAt(target);
      if (kind === 'dir') return this.skip(shown, `a folder is in the way at ${target}; it is not replaced`);
      // written complete first: a cancel or failure leaves what is there untouched
      if (node.type === 'file') await this.file(node, shown, target, kind);
      else await this.symlink(node, shown, target, kind);
    } catch (e) {
      // a damaged entry of the restore point is reported and the rest written; anything else stops
      if (!(e instanceof DamagedError)) throw e;
      this.skip(shown, e.message);
    }
  }

  async mkdirs(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await this.must(['mkdir', '-p', '--', dir], `create the folder ${dir}`);
    this.made.add(dir);
  }

  private async folder(node: FsNode, shown: string, target: string, ancestors: Set<number>, fresh: boolean): Promise<void> {
    if (ancestors.has(node.ref)) return this.skip(shown, 'the folder contains itself (a damaged file system)');
    const kind = fresh ? 'none' : await this.kindAt(target);
    // a link to a folder is the guest's own layout (/bin -> usr/bin): written through, never replaced
    const created = kind !== 'dir' && !(kind === 'symlink' && (await this.agent.exec(['test', '-d', target])).exitcode === 0);
    if (created) {
      if (kind !== 'none' && !(await this.makeRoom(shown, target, true))) return;
      await this.must(['mkdir', '--', target], `create the folder ${target}`);
    }
    this.report.folders += 1;
    for (const c of await this.tree.children(node, shown)) await this.entry(c, path.join(shown, showName(c.name)), target, new Set([...ancestors, node.ref]), created);
    // an existing folder keeps its own owner, mode and time: only what was created gets the backed-up ones
    if (created) await this.finish(node, shown, target);
  }

  /**
   * Makes room at `target` (a file, link or other, never a folder): what is there kept as
   * NAME.orig (then .orig-2 …), or with `overwrite` left for the rename to replace (a file or link)
   * or removed (in the way of a folder). False when no name is free to keep it under.
   */
  private async makeRoom(shown: string, target: string, forFolder: boolean): Promise<boolean> {
    if (this.opts.overwrite) {
      if (forFolder) await this.must(['rm', '-f', '--', target], `remove ${target}`);
      return true;
    }
    for (let n = 1; n < 100; n++) {
      const as = `${target}.orig${n === 1 ? '' : `-${n}`}`;
      if ((await this.kindAt(as)) !== 'none') continue;
      await this.must(['mv', '--', target, as], `keep ${target} as ${as}`);
      this.report.kept.push({ path: target, as });
      return true;
    }
    this.skip(shown, `no free name to keep ${target} under (${target}.orig … .orig-99 exist)`);
    return false;
  }

  /**
   * Moves a complete temporary into place with its owner, mode and time, once what is there has
   * been kept aside (or is to be replaced). False when it stays out (no free name to keep the other under).
   */
  private async place(node: FsNode, shown: string, tmp: string, final: string, kind: GuestKind): Promise<boolean> {
    if (kind !== 'none' && !(await this.makeRoom(shown, final, false))) return false;
    await this.finish(node, shown, tmp, final);
    return true;
  }

  private async file(node: FsNode, shown: string, final: string, kind: GuestKind): Promise<void> {
    const tmp = temporary(final);
    const chunk = this.opts.chunkBytes ?? MAX_WRITE_CHUNK;
    // whole pieces of several chunks are read from the restore point at once
    const piece = chunk * Math.max(1, Math.floor((1024 * 1024) / chunk));
    let handle: number | null = null;
    try {
      handle = await this.agent.open(tmp, 'w', this.opts.signal);
      for (let at = 0; at < node.size; at += piece) {
        this.opts.signal.throwIfAborted();
        const data = await this.tree.read(node, shown, at, Math.min(piece, node.size - at));
        for (let k = 0; k < data.length; k += chunk) {
          const part = data.subarray(k, k + chunk);
          await this.agent.write(handle, part, this.opts.signal, chunk);
          this.done += part.length;
          this.opts.onBytes?.(this.done);
        }
      }
      const h = handle;
      handle = null;
      await this.agent.close(h);
      if (!(await this.place(node, shown, tmp, final, kind))) {
        await this.agent.exec(['rm', '-f', '--', tmp]);
        return;
      }
    } catch (e) {
      // the temporary goes, whatever stopped the copy (a cancel too: these calls are not cut short)
      if (handle !== null) await this.agent.close(handle).catch(() => undefined);
      await this.agent.exec(['rm', '-f', '--', tmp]).catch(() => undefined);
      throw e;
    }
    this.report.files += 1;
    this.report.bytes += node.size;
  }

  private async symlink(node: FsNode, shown: string, final: string, kind: GuestKind): Promise<void> {
    const raw = await this.tree.readlink(node, shown);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
    if (raw.includes(0) || !Buffer.from(text, 'utf8').equals(raw)) return this.skip(shown, 'a link target that is not UTF-8 cannot be passed to the guest agent');
    const tmp = temporary(final);
    try {
      // written as it is and never followed: it points wherever it pointed in the backup
      await this.must(['ln', '-s', '--', text, tmp], `create the link ${final}`);
      const owner = await this.agent.exec(['chown', '-h', `${node.uid}:${node.gid}`, '--', tmp]);
      if (owner.exitcode !== 0) this.noMetadata(shown, `owner not set (${firstLine(owner.stderr)})`);
      if (kind !== 'none' && !(await this.makeRoom(shown, final, false))) {
        await this.agent.exec(['rm', '-f', '--', tmp]);
        return;
      }
      await this.must(['mv', '-f', '--', tmp, final], `move ${tmp} to ${final}`);
    } catch (e) {
      await this.agent.exec(['rm', '-f', '--', tmp]).catch(() => undefined);
      throw e;
    }
    this.report.symlinks += 1;
  }

  /**
   * Owner first (chown clears setuid bits), then mode, then time, each refusal reported and none
   * fatal; then, with `to`, the move into place. One guest-exec of a fixed script (FINISH) whose
   * values are its arguments: a round trip per file rather than four.
   */
  private async finish(node: FsNode, shown: string, at: string, to = ''): Promise<void> {
    const seconds = Math.floor(node.mtimeMs / 1000);
    const r = await this.agent.exec(['sh', '-c', FINISH, 'backstack', `${node.uid}:${node.gid}`, (node.mode & 0o7777).toString(8).padStart(4, '0'), `@${Number.isFinite(seconds) ? seconds : 0}`, at, to]);
    const lines = r.stderr.split('\n').filter(Boolean);
    const notes = lines.filter((l) => NOTE.test(l));
    if (notes.length) this.noMetadata(shown, notes.join('; '));
    if (r.exitcode !== 0) {
      const why = lines.filter((l) => !NOTE.test(l))[0] ?? `exit ${r.exitcode}`;
      throw new AppError('validation.invalidInput', `Could not ${to ? `move ${at} to ${to}` : `finish ${at}`} in ${this.agent.label}: ${why}.`);
    }
  }

  /** What is at a guest path, not following a link there (stat's %F). */
  private async kindAt(p: string): Promise<GuestKind> {
    const r = await this.agent.exec(['stat', '-c', '%F', '--', p], this.opts.signal);
    if (r.exitcode !== 0) {
      if (/no such file|not found/i.test(r.stderr)) return 'none';
      throw new AppError('validation.invalidInput', `Cannot tell what is at ${p} in ${this.agent.label}: ${firstLine(r.stderr)}`);
    }
    const kind = r.stdout.trim();
    if (kind === 'directory') return 'dir';
    if (kind === 'symbolic link') return 'symlink';
    if (kind.startsWith('regular')) return 'file';
    return 'other';
  }

  private async must(argv: string[], what: string): Promise<void> {
    const r = await this.agent.exec(argv);
    if (r.exitcode !== 0) throw new AppError('validation.invalidInput', `Could not ${what} in ${this.agent.label}: ${firstLine(r.stderr) || `${argv[0]} exited with ${r.exitcode}`}.`);
  }

  private skip(p: string, reason: string): void {
    this.report.skipped.push({ path: p, reason });
  }

  private noMetadata(p: string, reason: string): void {
    this.report.metadata.push({ path: p, reason });
  }
}

const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';

/**
 * Run in the guest as `sh -c FINISH backstack OWNER MODE @SECONDS PATH [FINAL]`: owner, mode and
 * time of PATH (each refusal one "… not set (why)" line on stderr), then PATH moved to FINAL.
 * Values reach it only as arguments ($1 …): nothing is put into the script's text.
 */
const FINISH = [
  'e=$(chown -- "$1" "$4" 2>&1) || echo "owner $1 not set ($e)" >&2',
  'e=$(chmod -- "$2" "$4" 2>&1) || echo "mode not set ($e)" >&2',
  'e=$(touch -c -d "$3" -- "$4" 2>&1) || echo "time not set ($e)" >&2',
  '[ -z "$5" ] || exec mv -f -- "$4" "$5"',
].join('\n');
const NOTE = /^(owner \S+|mode|time) not set \(/;
const temporary = (final: string) => path.join(path.dirname(final), `.${path.basename(final).slice(0, 200)}.backstack-${randomBytes(4).toString('hex')}.part`);
