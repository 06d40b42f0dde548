import fs from 'node:fs/promises';
import { CorruptMetadataError, isErrno } from '../errors';
import { writeFileAtomic } from '../io/fsutil';
import { type BackupRef, refString } from './layout';
import type { Repository } from '../repository';

/**
 * The per-backup manifest (FORMAT.md, "Manifest"). Written last: a backup exists once its
 * manifest does. JSON; sealed with AES-256-GCM (AAD binds it to its backup id) when encrypted.
 */
export const MANIFEST_FORMAT = 'backstack-manifest';
export const MANIFEST_VERSION = 1;

export interface DiskStats {
  /** bytes the source yielded */
  bytesRead: number;
  /** plain bytes of chunks this backup added to the repository */
  bytesNew: number;
  /** bytes of chunk files this backup wrote (after compression and encryption) */
  bytesStored: number;
  chunksNew: number;
  /** non-hole chunks that were already in the repository */
  chunksReused: number;
  holes: number;
}

export interface DiskRecord {
  name: string;
  /** bytes */
  size: number;
  chunkSize: number;
  chunks: number;
  index: { file: string; id: string; sha256: string; bytes: number };
  /** the backup ("group/time") this disk was built on, or null for a full read */
  parent: string | null;
  /** whether only a changed-extent list was read (the rest came from the parent) */
  usedChangedExtents: boolean;
  stats: DiskStats;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** "group/time" */
  id: string;
  group: string;
  time: string;
  startedAt: string;
  finishedAt: string;
  /** the backup this one was built on (per disk detail in disks[].parent) */
  parent: string | null;
  /** what was backed up, as the caller describes it (kind, provider, project, instance/volume id ...) */
  source: Record<string, unknown>;
  /** OpenStack metadata as captured (Nova, Glance, Cinder, Neutron): opaque to the engine */
  metadata: Record<string, unknown>;
  disks: DiskRecord[];
  totals: Omit<DiskStats, 'holes'> & { size: number };
}

const aad = (ref: BackupRef): Buffer => Buffer.from(`backstack/v1/manifest/${refString(ref)}`);

export async function writeManifest(repo: Repository, ref: BackupRef, m: Manifest): Promise<void> {
  const json = Buffer.from(JSON.stringify(m, null, 2) + '\n');
  const data = repo.encrypted ? Buffer.concat([Buffer.from('BSMF\x01'), repo.sealMeta(json, aad(ref))]) : json;
  await writeFileAtomic(repo.layout.manifest(ref, repo.encrypted), data, { repoRoot: repo.dir });
}

/** The manifest, or null when the backup has none (never committed, or being pruned). */
export async function readManifest(repo: Repository, ref: BackupRef): Promise<Manifest | null> {
  const file = repo.layout.manifest(ref, repo.encrypted);
  let raw: Buffer;
  try {
    raw = await fs.readFile(file);
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return null;
    throw e;
  }
  let json = raw;
  if (repo.encrypted) {
    if (raw.subarray(0, 5).toString('latin1') !== 'BSMF\x01') throw new CorruptMetadataError(file, 'bad magic');
    json = repo.openMeta(raw.subarray(5), aad(ref), file);
  }
  let m: Manifest;
  try {
    m = JSON.parse(json.toString('utf8')) as Manifest;
  } catch {
    throw new CorruptMetadataError(file, 'not JSON');
  }
  if (m.format !== MANIFEST_FORMAT || m.id !== refString(ref) || !Array.isArray(m.disks)) throw new CorruptMetadataError(file, 'not a manifest for this backup');
  return m;
}
