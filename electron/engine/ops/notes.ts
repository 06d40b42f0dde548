import fs from 'node:fs/promises';
import { BackupNotFoundError, CorruptMetadataError } from '../errors';
import { writeFileAtomic } from '../io/fsutil';
import { refString, type BackupRef } from '../format/layout';
import type { Repository } from '../repository';

/**
 * Notes kept with a committed backup (FORMAT.md, "Notes"): small JSON documents a caller writes
 * after the backup (a boot check's evidence), beside the manifest, sealed like it when the
 * repository is encrypted. The engine stores them and does not interpret them.
 */
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const MAGIC = 'BSNT\x01';

const file = (repo: Repository, ref: BackupRef, name: string) => `${repo.layout.backup(ref)}/notes/${name}.${repo.encrypted ? 'bin' : 'json'}`;
const aad = (ref: BackupRef, name: string) => Buffer.from(`backstack/v1/note/${name}/${refString(ref)}`);

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid note name "${name}"`);
}

/** Writes (replaces) the note `name` of a committed backup. */
export async function writeNote(repo: Repository, ref: BackupRef, name: string, value: unknown): Promise<void> {
  checkName(name);
  const manifest = repo.layout.manifest(ref, repo.encrypted);
  if (!(await fs.stat(manifest).catch(() => null))) throw new BackupNotFoundError(refString(ref));
  const json = Buffer.from(JSON.stringify(value) + '\n');
  const data = repo.encrypted ? Buffer.concat([Buffer.from(MAGIC, 'latin1'), repo.sealMeta(json, aad(ref, name))]) : json;
  await fs.mkdir(`${repo.layout.backup(ref)}/notes`, { recursive: true });
  await writeFileAtomic(file(repo, ref, name), data, { repoRoot: repo.dir });
}

/** The note `name` of a backup as parsed JSON (unknown: the caller validates it), or null when it has none. */
export async function readNote(repo: Repository, ref: BackupRef, name: string): Promise<unknown> {
  checkName(name);
  const where = file(repo, ref, name);
  let raw: Buffer;
  try {
    raw = await fs.readFile(where);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  let json = raw;
  if (repo.encrypted) {
    if (raw.subarray(0, 5).toString('latin1') !== MAGIC) throw new CorruptMetadataError(where, 'bad magic');
    json = repo.openMeta(raw.subarray(5), aad(ref, name), where);
  }
  try {
    return JSON.parse(json.toString('utf8')) as unknown;
  } catch {
    throw new CorruptMetadataError(where, 'not JSON');
  }
}
