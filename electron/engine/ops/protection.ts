import fs from 'node:fs/promises';
import { BackupNotFoundError } from '../errors';
import { exists, writeFileAtomic } from '../io/fsutil';
import type { BackupRef } from '../format/layout';
import type { Repository } from '../repository';

/** The marker that keeps a backup whatever the keep rules say (FORMAT.md, "Protection"). */
export const PROTECTED_FILE = 'protected';

const marker = (repo: Repository, ref: BackupRef) => `${repo.layout.backup(ref)}/${PROTECTED_FILE}`;

/** Whether prune must keep this backup whatever its rules say. */
export function isProtected(repo: Repository, ref: BackupRef): Promise<boolean> {
  return exists(marker(repo, ref));
}

/**
 * Protects a committed backup from pruning, or lifts it. Kept in the repository beside the
 * manifest, so every installation sharing the repository honours it, and a rebuilt catalog too.
 */
export async function setProtected(repo: Repository, ref: BackupRef, value: boolean): Promise<void> {
  if (!(await exists(repo.layout.manifest(ref, repo.encrypted)))) throw new BackupNotFoundError(`${ref.group}/${ref.time}`);
  if (value) {
    const note = JSON.stringify({ since: new Date().toISOString() }) + '\n';
    await writeFileAtomic(marker(repo, ref), Buffer.from(note), { repoRoot: repo.dir });
  } else {
    await fs.rm(marker(repo, ref), { force: true });
  }
}
