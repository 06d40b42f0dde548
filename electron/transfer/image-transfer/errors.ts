/** A failure of the image-transfer strategy that is not a cloud error: the image itself, or what the job asked. */
export class ImageTransferError extends Error {
  override readonly name = 'ImageTransferError';
}
