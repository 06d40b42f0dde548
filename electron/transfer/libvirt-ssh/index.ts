/**
 * The libvirt strategy's only door (README.md): a reader (`backupInstance`: hypervisor →
 * destination) and writers (`restoreDiskOverSsh` for one disk, `restoreDomain` for a whole
 * domain), the SSH session they run over, and the few host reads a restore needs.
 */
export { backupInstance } from './backup-instance';
export { releaseSnapshots } from './release';
export type { ReleasedSnapshots } from './release';
export { jobTag, INSTALLATION_ID, type Owner } from './disk-state';
export type { InstanceBackupOptions, InstanceBackupResult, KeptState } from './backup-instance';
export { restoreDiskOverSsh, createImage, remoteDiskSha256 } from './restore-disk';
export type { RestoreTarget, WrittenDisk } from './restore-disk';
export { restoreDomain } from './restore-domain';
export type { LibvirtDiskRecord, RestoreDomainOptions, RestoreDomainStep } from './restore-domain';
export { SshSession, hostKeyFingerprint } from './ssh';
export type { SshAuth, SshTarget } from './ssh';
export { dumpDomain } from './snapshot-ops';
export type { DiskSource, DomainDisk, DomainInfo } from './domain-xml';
export type { NbdTransfer } from './direct-transfer';
export { DEFAULT_DIRECT_PORTS } from './direct-transfer';
export { setNbdReaderScript } from './nbd-reader';
export { TransferError, HostKeyChangedError, RemoteCommandError } from './errors';
export { restoreDiskInPlace, liveDiskLayout, PartialWriteError } from './restore-in-place';
export type { InPlaceResult, InPlaceStep, LiveDisk } from './restore-in-place';
export { fileDiskState } from './disk-state';
export { GuestAgent, GuestAgentError, MAX_WRITE_CHUNK } from './guest-agent';
export type { ExecResult, GuestAgentProblem, HostRunner } from './guest-agent';
// shared with the disk-attachment strategy: block digests kept with restore points, the command runner
export { BlockDigests, DIGEST } from './block-diff';
export { changedRanges, readTracking, writeTracking, trackingBlockSize } from './change-tracking';
export type { HostShell, RemoteProcess } from './ssh';
/** tests: a host's side run on this machine */
export { localShell } from './testing';
