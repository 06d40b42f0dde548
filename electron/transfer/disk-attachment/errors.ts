/** What stops a disk-attachment backup or restore, said with what to do. */
export class DiskAttachmentError extends Error {
  override name = 'DiskAttachmentError';
}
