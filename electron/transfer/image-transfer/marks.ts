/**
 * The properties every temporary image of this strategy carries (the same keys a restore puts on
 * the servers and volumes it creates): a clean-up after a killed process finds this
 * installation's images by them and removes those whose job no longer runs.
 */
export const IMAGE_MARK = { installation: 'backstack_installation', job: 'backstack_job', purpose: 'backstack_purpose' } as const;

export type ImagePurpose = 'backup' | 'restore';

export interface ImageOwner {
  installation: string;
  jobId: string;
}

export function imageMarks(owner: ImageOwner, purpose: ImagePurpose): Record<string, string> {
  return { [IMAGE_MARK.installation]: owner.installation, [IMAGE_MARK.job]: owner.jobId, [IMAGE_MARK.purpose]: purpose };
}

/** The owner an image's properties name, or null for an image that is not a temporary one of Backstack's. */
export function markedOwner(properties: Record<string, string>): (ImageOwner & { purpose: string }) | null {
  const installation = properties[IMAGE_MARK.installation];
  const jobId = properties[IMAGE_MARK.job];
  const purpose = properties[IMAGE_MARK.purpose];
  return installation && jobId && purpose ? { installation, jobId, purpose } : null;
}
