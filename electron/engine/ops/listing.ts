import fs from 'node:fs/promises';
import path from 'node:path';
import { BackupNotFoundError, InvalidArgumentError } from '../errors';
import { exists, listDir } from '../io/fsutil';
import { type BackupRef, isBackupTime, isDigest, parseBackupTime, refString } from '../format/layout';
import { type Manifest, readManifest } from '../format/manifest';
import type { Repository } from '../repository';

/**
 * The repository as a catalog: everything here is read from the repository alone (manifests),
 * so a lost local catalog can be rebuilt from it (disaster recovery).
 */

export async function listGroups(repo: Repository): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await listDir(repo.layout.backups)).sort()) {
    const st = await fs.stat(repo.layout.group(name)).catch(() => undefined);
    if (st?.isDirectory()) out.push(name);
  }
  return out;
}

/** Committed backups (those with a manifest file), oldest first, without reading the manifests. */
export async function committedRefs(repo: Repository, group?: string): Promise<BackupRef[]> {
  const groups = group === undefined ? await listGroups(repo) : [group];
  const out: BackupRef[] = [];
  for (const g of groups) {
    for (const time of (await listDir(repo.layout.group(g))).sort()) {
      if (!isBackupTime(time)) continue;
      const ref = { group: g, time };
      if (await exists(repo.layout.manifest(ref, repo.encrypted))) out.push(ref);
    }
  }
  return out;
}

/** Backup folders without a manifest: unfinished (running, or left by a crash). */
export async function uncommittedRefs(repo: Repository): Promise<BackupRef[]> {
  const out: BackupRef[] = [];
  for (const g of await listGroups(repo)) {
    for (const time of await listDir(repo.layout.group(g))) {
      const ref = { group: g, time };
      if (isBackupTime(time) && !(await exists(repo.layout.manifest(ref, repo.encrypted)))) out.push(ref);
    }
  }
  return out;
}

export interface ScanResult {
  backups: Manifest[];
  /** backups whose manifest cannot be read (corrupt, or another key) */
  unreadable: { id: string; error: string }[];
}

/** Reads every committed manifest. Never throws for one bad manifest: it is reported instead. */
export async function scanBackups(repo: Repository, group?: string): Promise<ScanResult> {
  const result: ScanResult = { backups: [], unreadable: [] };
  for (const ref of await committedRefs(repo, group)) {
    try {
      const m = await readManifest(repo, ref);
      if (m) result.backups.push(m);
    } catch (e) {
      result.unreadable.push({ id: refString(ref), error: (e as Error).message });
    }
  }
  return result;
}

/** Every committed backup's manifest, oldest first. Throws if one cannot be read. */
export async function listBackups(repo: Repository, group?: string): Promise<Manifest[]> {
  const { backups, unreadable } = await scanBackups(repo, group);
  const first = unreadable[0];
  if (first) throw new InvalidArgumentError(`Backup ${first.id} cannot be read: ${first.error}`);
  return backups;
}

/**
 * Resolves "latest", a time, or "group/time" within `group` to a committed manifest. With
 * `disk`, "latest" means the newest backup that has that disk.
 */
export async function findBackup(repo: Repository, group: string, which = 'latest', disk?: string): Promise<Manifest> {
  const time = which.includes('/') ? which.slice(which.lastIndexOf('/') + 1) : which;
  if (which.includes('/') && which.slice(0, which.lastIndexOf('/')) !== group) throw new BackupNotFoundError(which);
  if (time === 'latest') {
    const refs = await committedRefs(repo, group);
    for (const ref of refs.reverse()) {
      const m = await readManifest(repo, ref);
      if (m && (disk === undefined || m.disks.some((d) => d.name === disk))) return m;
    }
    throw new BackupNotFoundError(`${group}/latest`, disk);
  }
  const m = isBackupTime(time) ? await readManifest(repo, { group, time }) : null;
  if (!m) throw new BackupNotFoundError(`${group}/${time}`);
  if (disk !== undefined && !m.disks.some((d) => d.name === disk)) throw new BackupNotFoundError(m.id, disk);
  return m;
}

export interface RepositoryStats {
  backups: number;
  groups: number;
  chunks: number;
  /** bytes of chunk files on disk */
  storedBytes: number;
  /** sum of the disk sizes of every backup (what restoring them all would write) */
  logicalBytes: number;
  /** logical / stored */
  reductionRatio: number;
  /** per backup, oldest first: for a chart of growth */
  history: { id: string; time: number; size: number; bytesNew: number; bytesStored: number }[];
}

export async function repositoryStats(repo: Repository): Promise<RepositoryStats> {
  const { backups } = await scanBackups(repo);
  let chunks = 0;
  let storedBytes = 0;
  for (const prefix of await listDir(repo.layout.chunks)) {
    const dir = path.join(repo.layout.chunks, prefix);
    for (const name of await listDir(dir)) {
      if (!isDigest(name)) continue;
      const st = await fs.stat(path.join(dir, name)).catch(() => undefined);
      if (!st) continue;
      chunks++;
      storedBytes += st.size;
    }
  }
  const logicalBytes = backups.reduce((s, b) => s + b.totals.size, 0);
  return {
    backups: backups.length,
    groups: new Set(backups.map((b) => b.group)).size,
    chunks,
    storedBytes,
    logicalBytes,
    reductionRatio: storedBytes === 0 ? 0 : logicalBytes / storedBytes,
    history: backups
      .map((b) => ({ id: b.id, time: parseBackupTime(b.time), size: b.totals.size, bytesNew: b.totals.bytesNew, bytesStored: b.totals.bytesStored }))
      .sort((a, b) => a.time - b.time),
  };
}
