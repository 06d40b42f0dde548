import { IMAGE_MARK } from '../image-transfer';

/**
 * The metadata every temporary snapshot and volume of this strategy carries, the keys the image
 * transfer puts on its images: a clean-up after a killed process finds this installation's by
 * them, and its names (`backstack-<job 8>-…`) tell them from a user's copies.
 */
export const CINDER_MARK = IMAGE_MARK;

export interface Owner {
  installation: string;
  jobId: string;
}

export function cinderMarks(owner: Owner, purpose: 'backup' | 'restore'): Record<string, string> {
  return { [CINDER_MARK.installation]: owner.installation, [CINDER_MARK.job]: owner.jobId, [CINDER_MARK.purpose]: purpose };
}

/** The name of a temporary resource of `owner`'s job. */
export const temporaryName = (owner: Owner, what: string): string => `backstack-${owner.jobId.slice(0, 8)}-${what}`.slice(0, 255);
