/**
 * Backstack's backup repository engine: a deduplicating, compressing, optionally encrypted
 * chunk store for disk images (FORMAT.md). Pure Node: no OpenStack, no SQLite, no Electron.
 */
export { initRepository, openRepository, inspectRepository, Repository, DEFAULT_CHUNK_SIZE, DEFAULT_COMPRESSION_LEVEL } from './repository';
export type { InitOptions, OpenOptions, RepoConfig } from './repository';
export { startBackup, backupDisk, BackupWriter } from './ops/backup';
export type { BackupOptions, DiskInput } from './ops/backup';
export { restoreDisk } from './ops/restore';
export type { RestoreOptions, RestoreResult } from './ops/restore';
export { openDiskReader } from './ops/disk-reader';
export type { DiskReader } from './ops/disk-reader';
export { listBackups, scanBackups, findBackup, listGroups, repositoryStats } from './ops/listing';
export type { ScanResult, RepositoryStats } from './ops/listing';
export { verifyRepository } from './ops/verify';
export type { VerifyScope, VerifyReport, VerifyProblem } from './ops/verify';
export { pruneBackups, removeBackup } from './ops/prune';
export { isProtected, setProtected } from './ops/protection';
export { readNote, writeNote } from './ops/notes';
export { restorePointFiles } from './ops/files-of';
export type { RestorePointFiles } from './ops/files-of';
export type { PruneOptions, PruneReport } from './ops/prune';
export { selectKeep, hasRules } from './ops/prune-rules';
export type { KeepRules, PruneDecision } from './ops/prune-rules';
export { collectGarbage, DEFAULT_GRACE_MS } from './ops/gc';
export type { GcOptions, GcReport } from './ops/gc';
export { fileSource, streamSource, extentSource, normalizeRanges, splitAlignedIter } from './io/extents';
export type { Extent, ExtentHint, ExtentSource, Range } from './io/extents';
export { fileSink, blockDeviceSink, streamSink } from './io/sinks';
export type { ExtentSink } from './io/sinks';
export { parseChangedExtents } from './io/changed-extents';
export type { Manifest, DiskRecord, DiskStats } from './format/manifest';
export type { EngineProgress, ProgressListener } from './ops/progress';
export { setChunkWorkerScript } from './workers/worker-pool';
export { parseRef, refString, formatBackupTime, parseBackupTime, CONFIG_FILE } from './format/layout';
export type { BackupRef } from './format/layout';
export * from './errors';
