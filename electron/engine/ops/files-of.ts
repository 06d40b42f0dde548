import fs from 'node:fs/promises';
import path from 'node:path';
import { TEMP_INFIX, type BackupRef } from '../format/layout';
import type { Manifest } from '../format/manifest';
import type { Repository } from '../repository';
import { openDiskIndex } from './restore';

/**
 * The files a committed restore point consists of, as paths relative to the repository (FORMAT.md),
 * for copying it elsewhere byte for byte: its distinct chunks, and its own folder's files (disk
 * indexes, notes; the manifest apart, since a copy writes it last). Sealed files stay sealed.
 */
export interface RestorePointFiles {
  chunks: string[];
  /** disk indexes and notes */
  files: string[];
  manifest: string;
}

const rel = (repo: Repository, p: string): string => path.relative(repo.dir, p).split(path.sep).join('/');

export async function restorePointFiles(repo: Repository, m: Manifest): Promise<RestorePointFiles> {
  const digests = new Set<string>();
  for (const d of m.disks) {
    const index = await openDiskIndex(repo, m, d);
    try {
      for await (const digest of index.entries()) if (digest !== null) digests.add(digest);
    } finally {
      await index.close();
    }
  }
  const ref: BackupRef = { group: m.group, time: m.time };
  const folder = repo.layout.backup(ref);
  const manifest = repo.layout.manifest(ref, repo.encrypted);
  const files: string[] = [];
  for (const name of await fs.readdir(folder)) {
    if (name.includes(TEMP_INFIX)) continue;
    const p = path.join(folder, name);
    if (p === manifest) continue;
    if (name === 'notes') {
      for (const n of await fs.readdir(p)) if (!n.includes(TEMP_INFIX)) files.push(rel(repo, path.join(p, n)));
    } else files.push(rel(repo, p));
  }
  return { chunks: [...digests].map((d) => rel(repo, repo.layout.chunk(d))), files: files.sort(), manifest: rel(repo, manifest) };
}

