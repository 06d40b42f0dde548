/** The disk-attachment strategy's only door (README.md). */
export { backupThroughProxy, VOLUME_DISK } from './backup-volumes';
export type { AttachmentBackupOptions, AttachmentRecord, ProxyVm } from './backup-volumes';
export { proxyDigests, proxyRead, PROXY_PY } from './proxy-read';
export type { ProxyDevice } from './proxy-read';
export { CINDER_MARK, cinderMarks } from './marks';
export { DiskAttachmentError } from './errors';
export { proxyWrite } from './proxy-write';
export type { ProxyWriteOptions } from './proxy-write';
