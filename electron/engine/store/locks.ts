import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive, processIdentity } from '../../lib/process-identity';
import { isErrno, RepositoryLockedError } from '../errors';
import { listDir, mkdirp, writeFileAtomic } from '../io/fsutil';
import type { Layout } from '../format/layout';

/**
 * Lock files in locks/ (FORMAT.md, "Locking"). Two kinds:
 * - exclusive locks (gc.lock, config.lock): created with O_EXCL; one holder at a time.
 * - session locks (session-*.json): any number; a running backup or restore says what it is
 *   writing and which backups it depends on, so prune keeps those and GC keeps what they touch.
 * A holder refreshes its file's mtime while it runs. A lock is stale when its process is gone
 * (same host) or its heartbeat is older than STALE_MS (another host sharing the folder).
 */

export const HEARTBEAT_MS = 60_000;
export const STALE_MS = 10 * 60_000;

export interface LockHolder {
  kind: string;
  host: string;
  pid: number;
  identity: string;
  startedAt: number;
}

export interface SessionInfo extends LockHolder {
  /** backups ("group/time") this session reads and that prune must keep */
  protects: string[];
  /** the unfinished backup folder this session writes, relative to the repository */
  writing: string | null;
}

const holder = (kind: string): LockHolder => ({ kind, host: os.hostname(), pid: process.pid, identity: processIdentity(), startedAt: Date.now() });

async function isLive(file: string, h: LockHolder): Promise<boolean> {
  if (h.host === os.hostname()) return isProcessAlive(h.identity);
  try {
    return Date.now() - (await fs.stat(file)).mtimeMs < STALE_MS;
  } catch {
    return false;
  }
}

function heartbeat(file: string): NodeJS.Timeout {
  const t = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  t.unref();
  return t;
}

export async function withExclusiveLock<T>(layout: Layout, name: string, what: string, fn: () => Promise<T>): Promise<T> {
  await mkdirp(layout.locks);
  const file = path.join(layout.locks, `${name}.lock`);
  const me = holder(what);
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (e) {
      if (!isErrno(e, 'EEXIST') || attempt > 0) throw isErrno(e, 'EEXIST') ? new RepositoryLockedError(what, (await readHolder(file)) ?? {}) : e;
      const other = await readHolder(file);
      // An unreadable lock file is judged by its age alone (isLive of a foreign host).
      if (await isLive(file, other ?? { kind: what, host: '', pid: 0, identity: '', startedAt: 0 })) throw new RepositoryLockedError(other?.kind ?? what, other ?? {});
      await fs.rm(file, { force: true }); // stale: its holder died
    }
  }
  const beat = heartbeat(file);
  try {
    return await fn();
  } finally {
    clearInterval(beat);
    await fs.rm(file, { force: true });
  }
}

/**
 * A lock or session file as another process (or host) wrote it, checked field by field: the file
 * comes from a shared folder, so anything malformed reads as no holder at all.
 */
async function readHolder(file: string): Promise<SessionInfo | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const kind = str(r.kind);
  const host = str(r.host);
  const identity = str(r.identity);
  if (kind === null || host === null || identity === null || typeof r.pid !== 'number' || typeof r.startedAt !== 'number') return null;
  const protects = Array.isArray(r.protects) ? r.protects.filter((x): x is string => typeof x === 'string') : [];
  return { kind, host, pid: r.pid, identity, startedAt: r.startedAt, protects, writing: str(r.writing) };
}

export class Session {
  private beat: NodeJS.Timeout;
  private constructor(
    readonly file: string,
    readonly info: SessionInfo,
  ) {
    this.beat = heartbeat(file);
  }

  static async open(layout: Layout, kind: string, protects: string[], writing: string | null = null): Promise<Session> {
    await mkdirp(layout.locks);
    const info: SessionInfo = { ...holder(kind), protects, writing };
    const file = path.join(layout.locks, `session-${randomBytes(8).toString('hex')}.json`);
    // Atomic, so that GC never reads a half-written session file.
    await writeFileAtomic(file, Buffer.from(JSON.stringify(info)), { fsync: false, repoRoot: layout.root });
    return new Session(file, info);
  }

  get startedAt(): number {
    return this.info.startedAt;
  }

  async release(): Promise<void> {
    clearInterval(this.beat);
    await fs.rm(this.file, { force: true });
  }
}

/** Sessions whose holders still run. With `removeStale`, the files of dead ones are deleted. */
export async function liveSessions(layout: Layout, removeStale = false): Promise<SessionInfo[]> {
  const out: SessionInfo[] = [];
  for (const name of await listDir(layout.locks)) {
    if (!name.startsWith('session-') || !name.endsWith('.json')) continue;
    const file = path.join(layout.locks, name);
    const info = await readHolder(file);
    if (!info) continue; // unreadable: not ours to judge
    if (await isLive(file, info)) out.push(info);
    else if (removeStale) await fs.rm(file, { force: true });
  }
  return out;
}
