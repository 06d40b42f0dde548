import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { CorruptMetadataError, InvalidArgumentError, isErrno, PassphraseRequiredError, RepositoryExistsError, RepositoryNotFoundError, UnsupportedFormatError } from './errors';
import { BufferPool, pooledAligned } from './io/buffer-pool';
import { directIoAvailable, roundUpToBlock } from './io/direct-io';
import { type DigestAlgorithm, frameCapacity } from './format/chunk-format';
import { ChunkStore } from './store/chunk-store';
import { mkdirp, writeFileAtomic } from './io/fsutil';
import {
  checkRecoveryKey, decodeRecoveryKey, deriveKeys, encodeRecoveryKey, keyCheck, newMasterKey, openBlob, type RepoKeys,
  type ScryptParams, sealBlob, unwrapMaster, wrapMaster, type WrappedKey,
} from './format/keys';
import { Layout } from './format/layout';
import { withExclusiveLock } from './store/locks';
import { defaultPoolSize, WorkerPool } from './workers/worker-pool';

export const REPO_FORMAT = 'backstack-repository';
/** Version 2 names chunks by BLAKE3 (`digest`); version 1 (SHA-256) repositories are still read and written. */
export const REPO_VERSION = 2;
const READS_VERSIONS = [1, 2];
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/**
 * New destinations compress at zstd level 3: on an image of real files it stores 10% less than
 * level 1 (below restic) for about twice the compression CPU, which the workers spread over the
 * cores; decompression costs the same at every level. Existing destinations keep theirs.
 */
export const DEFAULT_COMPRESSION_LEVEL = 3;

export interface RepoConfig {
  format: typeof REPO_FORMAT;
  version: number;
  id: string;
  createdAt: string;
  chunkSize: number;
  compression: { algorithm: 'zstd'; level: number };
  /** absent in version 1 (SHA-256) */
  digest?: DigestAlgorithm;
  encryption: null | ({ algorithm: 'aes-256-gcm'; digest: 'hmac-sha256' | 'keyed-blake3'; keyCheck: string } & WrappedKey);
}

export interface InitOptions {
  /** encrypt the repository under this passphrase (omit for a plain repository) */
  passphrase?: string;
  /** zstd level, 1 (fast, default) to 19 */
  compressionLevel?: number;
  /** bytes; a power of two from 64 KiB to 16 MiB (default 4 MiB; tests use small ones) */
  chunkSize?: number;
  /** scrypt cost (tests lower it) */
  kdf?: ScryptParams;
  /** how chunks are named (default BLAKE3); 'sha256' writes a version 1 repository, as earlier Backstacks did */
  digest?: DigestAlgorithm;
}

export interface OpenOptions {
  passphrase?: string;
  recoveryKey?: string;
  /** worker threads for hashing, compression and encryption (default: CPU count, at most 8) */
  workers?: number;
  /** fsync each chunk file before its rename (default true; see FORMAT.md) */
  fsyncChunks?: boolean;
}

/** Creates a repository in an empty or missing folder. Returns the recovery key when encrypted. */
export async function initRepository(dir: string, opts: InitOptions = {}): Promise<{ config: RepoConfig; recoveryKey: string | null }> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(Math.log2(chunkSize)) || chunkSize < 64 * 1024 || chunkSize > 16 * 1024 * 1024) {
    throw new InvalidArgumentError('The chunk size must be a power of two from 64 KiB to 16 MiB.');
  }
  const level = checkLevel(opts.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL);
  const digest = opts.digest ?? 'blake3';
  await mkdirp(dir);
  const entries = (await fs.readdir(dir)).filter((e) => !e.startsWith('.'));
  if (entries.length > 0) throw new RepositoryExistsError(dir);
  const layout = new Layout(dir);
  const id = randomUUID();
  let recoveryKey: string | null = null;
  let encryption: RepoConfig['encryption'] = null;
  if (opts.passphrase !== undefined) {
    const master = newMasterKey();
    const wrapped = await wrapMaster(master, opts.passphrase, id, opts.kdf);
    encryption = { algorithm: 'aes-256-gcm', digest: keyedName(digest), keyCheck: keyCheck(master, id), ...wrapped };
    recoveryKey = encodeRecoveryKey(master);
  }
  const config: RepoConfig = {
    format: REPO_FORMAT, version: digest === 'sha256' ? 1 : REPO_VERSION, id, createdAt: new Date().toISOString(), chunkSize,
    compression: { algorithm: 'zstd', level }, ...(digest === 'sha256' ? {} : { digest }), encryption,
  };
  for (const d of [layout.chunks, layout.backups, layout.locks, layout.tmp]) await mkdirp(d);
  // The config goes last: a folder without it is not a repository yet.
  const fh = await fs.open(layout.config, 'wx').catch((e: unknown) => {
    throw isErrno(e, 'EEXIST') ? new RepositoryExistsError(dir) : e;
  });
  try {
    await fh.writeFile(JSON.stringify(config, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { config, recoveryKey };
}

export async function openRepository(dir: string, opts: OpenOptions = {}): Promise<Repository> {
  const layout = new Layout(dir);
  const config = await readConfig(layout);
  let master: Buffer | null = null;
  if (config.encryption) {
    if (opts.recoveryKey !== undefined) {
      master = decodeRecoveryKey(opts.recoveryKey);
      checkRecoveryKey(master, config.id, config.encryption.keyCheck);
    } else if (opts.passphrase !== undefined) {
      master = await unwrapMaster(config.encryption, opts.passphrase, config.id);
    } else {
      throw new PassphraseRequiredError(dir);
    }
  }
  return new Repository(layout, config, master, opts);
}

/** What the UI shows before asking for a passphrase: is there a repository here, and is it encrypted? */
export async function inspectRepository(dir: string): Promise<{ id: string; encrypted: boolean; chunkSize: number; compressionLevel: number; createdAt: string }> {
  const c = await readConfig(new Layout(dir));
  return { id: c.id, encrypted: c.encryption !== null, chunkSize: c.chunkSize, compressionLevel: c.compression.level, createdAt: c.createdAt };
}

async function readConfig(layout: Layout): Promise<RepoConfig> {
  let text: string;
  try {
    text = await fs.readFile(layout.config, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) throw new RepositoryNotFoundError(layout.root);
    throw e;
  }
  let c: RepoConfig;
  try {
    c = JSON.parse(text) as RepoConfig;
  } catch {
    throw new CorruptMetadataError(layout.config, 'not JSON');
  }
  if (c.format !== REPO_FORMAT) throw new RepositoryNotFoundError(layout.root);
  if (!READS_VERSIONS.includes(c.version)) {
    throw new UnsupportedFormatError(`The destination's repository format version ${c.version} is not supported by this Backstack (it reads ${READS_VERSIONS.join(' and ')}). Update Backstack to open it.`);
  }
  if (typeof c.chunkSize !== 'number' || typeof c.id !== 'string' || c.compression?.algorithm !== 'zstd') {
    throw new CorruptMetadataError(layout.config, 'missing fields');
  }
  const digest = digestOf(c);
  if (!digest || (c.encryption && c.encryption.digest !== keyedName(digest))) throw new CorruptMetadataError(layout.config, 'unknown chunk digest');
  return c;
}

/** The chunk digest a config names (version 1 has none: SHA-256); undefined when unknown. */
function digestOf(c: RepoConfig): DigestAlgorithm | undefined {
  if (c.version === 1) return c.digest === undefined ? 'sha256' : undefined;
  return c.digest === 'blake3' || c.digest === 'sha256' ? c.digest : undefined;
}

/** How an encrypted config names the keyed form of a digest. */
const keyedName = (d: DigestAlgorithm): 'keyed-blake3' | 'hmac-sha256' => (d === 'blake3' ? 'keyed-blake3' : 'hmac-sha256');

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 19) throw new InvalidArgumentError('The compression level must be an integer from 1 to 19.');
  return level;
}

/** An open repository: its layout, config, keys, chunk store and (lazily) its worker pool. */
export class Repository {
  readonly chunks: ChunkStore;
  /** chunk-size buffers for plain data, and chunk-file buffers: recycled across operations */
  readonly dataBuffers: BufferPool;
  readonly frameBuffers: BufferPool;
  private readonly keys: RepoKeys | null;
  private readonly workerCount: number;
  private pools = new Map<number, WorkerPool>();

  constructor(
    readonly layout: Layout,
    private config_: RepoConfig,
    private readonly master: Buffer | null,
    opts: OpenOptions = {},
  ) {
    this.keys = master ? deriveKeys(master) : null;
    this.chunks = new ChunkStore(layout, opts.fsyncChunks ?? true);
    this.dataBuffers = directIoAvailable() ? pooledAligned(config_.chunkSize) : new BufferPool(config_.chunkSize);
    // chunk files are written past the page cache where possible: from aligned memory
    this.frameBuffers = directIoAvailable() ? pooledAligned(roundUpToBlock(frameCapacity(config_.chunkSize))) : new BufferPool(frameCapacity(config_.chunkSize));
    this.workerCount = opts.workers ?? defaultPoolSize();
  }

  get dir(): string {
    return this.layout.root;
  }
  get config(): RepoConfig {
    return this.config_;
  }
  get encrypted(): boolean {
    return this.keys !== null;
  }
  get chunkSize(): number {
    return this.config_.chunkSize;
  }
  get digest(): DigestAlgorithm {
    return digestOf(this.config_) ?? 'sha256';
  }

  /** The worker pool for a compression level (the repository default unless a backup overrides it). */
  pool(level = this.config_.compression.level): WorkerPool {
    let p = this.pools.get(level);
    if (!p) {
      const keys = this.keys ? { enc: this.keys.enc, id: this.keys.id } : null;
      p = new WorkerPool({ root: this.dir, chunkSize: this.chunkSize, level: checkLevel(level), digest: this.digest, keys }, this.workerCount);
      this.pools.set(level, p);
    }
    return p;
  }

  /** Starts the worker threads and waits until each is ready (so the first backup does not pay for it). */
  async warmUp(level?: number): Promise<void> {
    const pool = this.pool(level);
    await Promise.all(Array.from({ length: pool.size }, () => pool.run({ op: 'digest', data: new Uint8Array(1) })));
  }

  /** Seals metadata (indexes, manifests) when encrypted; identity otherwise. */
  sealMeta(plain: Uint8Array, aad: Uint8Array): Buffer {
    return this.keys ? sealBlob(this.keys.enc, plain, aad) : Buffer.from(plain);
  }

  openMeta(blob: Buffer, aad: Uint8Array, where: string): Buffer {
    if (!this.keys) return blob;
    const plain = openBlob(this.keys.enc, blob, aad);
    if (!plain) throw new CorruptMetadataError(where, 'authentication failed');
    return plain;
  }

  recoveryKey(): string {
    if (!this.master) throw new InvalidArgumentError('This destination is not encrypted: it has no key to export.');
    return encodeRecoveryKey(this.master);
  }

  /** Re-wraps the master key under a new passphrase. Chunks and metadata are unchanged. */
  async changePassphrase(passphrase: string, kdf?: ScryptParams): Promise<void> {
    const master = this.master;
    const enc = this.config_.encryption;
    if (!master || !enc) throw new InvalidArgumentError('This destination is not encrypted.');
    await withExclusiveLock(this.layout, 'config', 'passphrase change', async () => {
      const wrapped = await wrapMaster(master, passphrase, this.config_.id, kdf);
      const next: RepoConfig = { ...this.config_, encryption: { ...enc, ...wrapped } };
      await writeFileAtomic(this.layout.config, Buffer.from(JSON.stringify(next, null, 2) + '\n'), { repoRoot: this.dir });
      this.config_ = next;
    });
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}
