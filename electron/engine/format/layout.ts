import path from 'node:path';
import { chunkPath } from './chunk-format';
import { InvalidArgumentError } from '../errors';

/** Repository layout: see FORMAT.md. Every path the engine touches is built here. */

export const CONFIG_FILE = 'config.json';
export { CHUNKS_DIR, chunkPath } from './chunk-format';
export const BACKUPS_DIR = 'backups';
export const LOCKS_DIR = 'locks';
export const TMP_DIR = 'tmp';
export const MANIFEST_PLAIN = 'manifest.json';
export const MANIFEST_SEALED = 'manifest.bin';
export const INDEX_SUFFIX = '.idx';
/** Temporary files carry this infix; listing ignores them and GC removes old ones. */
export const TEMP_INFIX = '.tmp-';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;
const DIGEST_RE = /^[0-9a-f]{64}$/;

/** Group (what was backed up: a volume, an instance) and disk names are path components. */
export function checkName(kind: 'group' | 'disk', name: string): string {
  if (!NAME_RE.test(name) || name.includes('..') || name.includes(TEMP_INFIX)) {
    throw new InvalidArgumentError(
      `Invalid ${kind} name "${name}": use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
  return name;
}

export const isBackupTime = (s: string): boolean => TIME_RE.test(s);
export const isDigest = (s: string): boolean => DIGEST_RE.test(s);

/** Backup times are UTC ISO-8601 with ':' replaced by '-' (portable file names, sort = chronology). */
export function formatBackupTime(ms: number): string {
  return new Date(ms).toISOString().replace(/:/g, '-');
}

export function parseBackupTime(t: string): number {
  const iso = t.replace(/^(\d{4}-\d{2}-\d{2}T)(\d{2})-(\d{2})-(\d{2})/, '$1$2:$3:$4');
  return Date.parse(iso);
}

/** A backup is named "<group>/<time>" everywhere (manifests, CLI, the catalog). */
export interface BackupRef {
  group: string;
  time: string;
}

export const refString = (r: BackupRef): string => `${r.group}/${r.time}`;

export function parseRef(s: string): BackupRef {
  const slash = s.lastIndexOf('/');
  const group = s.slice(0, slash);
  const time = s.slice(slash + 1);
  if (slash <= 0 || !isBackupTime(time)) throw new InvalidArgumentError(`Invalid backup id "${s}": expected <group>/<time>.`);
  return { group: checkName('group', group), time };
}

export class Layout {
  constructor(readonly root: string) {}

  get config(): string {
    return path.join(this.root, CONFIG_FILE);
  }
  get chunks(): string {
    return path.join(this.root, 'chunks');
  }
  get backups(): string {
    return path.join(this.root, BACKUPS_DIR);
  }
  get locks(): string {
    return path.join(this.root, LOCKS_DIR);
  }
  get tmp(): string {
    return path.join(this.root, TMP_DIR);
  }
  /** 256 prefix folders keep directories small and commit-time directory fsyncs few. */
  chunkDir(digest: string): string {
    return path.dirname(chunkPath(this.root, digest));
  }
  chunk(digest: string): string {
    return chunkPath(this.root, digest);
  }
  group(group: string): string {
    return path.join(this.root, BACKUPS_DIR, group);
  }
  backup(ref: BackupRef): string {
    return path.join(this.root, BACKUPS_DIR, ref.group, ref.time);
  }
  index(ref: BackupRef, disk: string): string {
    return path.join(this.backup(ref), disk + INDEX_SUFFIX);
  }
  manifest(ref: BackupRef, sealed: boolean): string {
    return path.join(this.backup(ref), sealed ? MANIFEST_SEALED : MANIFEST_PLAIN);
  }
}

