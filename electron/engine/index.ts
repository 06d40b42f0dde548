/**
 * Backstack's backup repository engine: a deduplicating, compressing, optionally encrypted
 * chunk store for disk images (FORMAT.md). Pure Node: no OpenStack, no SQLite, no Electron.
 */
export { initRepository, openRepository, inspectRepository, Repository, DEFAULT_CHUNK_SIZE, DEFAULT_COMPRESSION_LEVEL } from './repository';
export type { InitOptions, OpenOptions, RepoConfig } from './repository';
export { startBackup, backupDisk, BackupWriter } from './backup';
export type { BackupOptions, DiskInput } from './backup';
export { restoreDisk } from './restore';
export type { RestoreOptions, RestoreResult } from './restore';
export { openDiskReader } from './disk-reader';
export type { DiskReader } from './disk-reader';
export { listBackups, scanBackups, findBackup, listGroups, repositoryStats } from './listing';
export type { ScanResult, RepositoryStats } from './listing';
export { verifyRepository } from './verify';
export type { VerifyScope, VerifyReport, VerifyProblem } from './verify';
export { pruneBackups, removeBackup } from './prune';
export { isProtected, setProtected } from './protection';
export type { PruneOptions, PruneReport } from './prune';
export { selectKeep } from './prune-rules';
export type { KeepRules, PruneDecision } from './prune-rules';
export { collectGarbage, DEFAULT_GRACE_MS } from './gc';
export type { GcOptions, GcReport } from './gc';
export { fileSource, streamSource, extentSource, normalizeRanges } from './extents';
export type { Extent, ExtentHint, ExtentSource, Range } from './extents';
export { fileSink, blockDeviceSink, streamSink } from './sinks';
export type { ExtentSink } from './sinks';
export { parseChangedExtents } from './changed-extents';
export type { Manifest, DiskRecord, DiskStats } from './manifest';
export type { EngineProgress, ProgressListener } from './progress';
export { setChunkWorkerScript } from './worker-pool';
export { parseRef, refString, formatBackupTime, parseBackupTime } from './layout';
export type { BackupRef } from './layout';
export * from './errors';
