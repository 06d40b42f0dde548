/**
 * The image-transfer strategy's only door (README.md): a reader (`backupThroughImage`: Nova
 * snapshot → Glance → destination), the writer of a restore's image (`uploadRestoreImage`:
 * destination → Glance) and the marks its temporary images carry.
 */
export { backupThroughImage, removeImage } from './backup-image';
export type { ImageBackupOptions, ImageTransferRecord } from './backup-image';
export { qcow2StreamSource, parseQcow2Header } from './qcow2-stream';
export { imageMarks, markedOwner, IMAGE_MARK, type ImageOwner, type ImagePurpose } from './marks';
export { ImageTransferError } from './errors';
