/**
 * The libvirt strategy's only door (README.md): a reader (`backupInstance`: hypervisor →
 * destination) and writers (`restoreDiskOverSsh` for one disk, `restoreDomain` for a whole
 * domain), the SSH session they run over, and the few host reads a restore needs.
 */
export { backupInstance, releaseSnapshots } from './backup-instance';
export type { InstanceBackupOptions, InstanceBackupResult, KeptState } from './backup-instance';
export { restoreDiskOverSsh, createImage, remoteDiskSha256 } from './restore-disk';
export type { RestoreTarget, WrittenDisk } from './restore-disk';
export { restoreDomain } from './restore-domain';
export type { LibvirtDiskRecord, RestoreDomainOptions } from './restore-domain';
export { SshSession, hostKeyFingerprint } from './ssh';
export type { SshAuth, SshTarget } from './ssh';
export { dumpDomain } from './snapshot-ops';
export type { DiskSource, DomainInfo } from './domain-xml';
export type { NbdTransfer } from './direct-transfer';
export { DEFAULT_DIRECT_PORTS } from './direct-transfer';
export { setNbdReaderScript } from './nbd-reader';
export { TransferError, HostKeyChangedError } from './errors';
